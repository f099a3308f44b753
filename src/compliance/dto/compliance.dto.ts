import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { lowerUuid } from '../../common/validation/transforms.js';

export class ExportQueryDto {
  /** The data-subject request this export answers: it is marked `done` (answeredWith `export`). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  requestId?: string;

  /** `pdf`: a readable PDF for the person (same as `Accept: application/pdf`); `json` (default): machine-readable. */
  @ApiProperty({ enum: ['json', 'pdf'], required: false })
  @IsOptional() @IsIn(['json', 'pdf'])
  format?: 'json' | 'pdf';
}

export class EraseContactDto {
  /** The data-subject request this erasure answers: it is marked `done` (answeredWith `erasure`). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  requestId?: string;
}

/** A purpose the export concerns (one the person consented to, objected to, has a basis for, or was disclosed under). */
export class ExportPurposeDto {
  key: string;
  name: string;
  description: string;
  /** The purpose's legal basis (GDPR Art. 6(1)). */
  legalBasis: string;
  @ApiProperty({ type: [String] })
  dataCategories: string[];
  /** How long data is kept after the basis ends; null when the purpose sets none. */
  @ApiProperty({ type: Number, nullable: true })
  retentionDays: number | null;
  @ApiProperty({ type: String, nullable: true })
  retiredAt: string | null;
}

export class ConsentCoverageQueryDto {
  /** Purpose key. */
  @IsString() @IsNotEmpty() @MaxLength(100)
  purpose: string;
}

export class ConsentCoverageResponseDto {
  purpose: string;
  /** Contacts that are neither archived, merged nor erased. */
  contacts: number;
  /** Of those, contacts with a live (granted, unexpired) consent for the purpose. */
  withConsent: number;
  withoutConsent: number;
  /** Contacts whose live consents for the purpose all end within the next 30 days. */
  expiringWithin30Days: number;
}

export class ErasureResponseDto {
  contactId: string;
  erasedAt: Date;
  /** True when the contact had already been erased before this request. */
  alreadyErased: boolean;
  /** Recipients told through their webhook (GDPR Art. 19). */
  recipientsNotified: number;
}

export class ContactExportResponseDto {
  /** Format of this document. */
  format: string;
  exportedAt: Date;
  contactId: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  profile: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  affiliations: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  interactions: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  followUps: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  consents: Record<string, unknown>[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  objections: Record<string, unknown>[];
  /** Recorded legal bases of the person (contract, legal obligation, …), ended ones included. */
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  bases: Record<string, unknown>[];
  /** Which recipient received which fields, when (and what was withheld, with the reason). */
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  disclosures: Record<string, unknown>[];
  /** The purposes concerned, with their legal basis and retention. */
  @ApiProperty({ type: [ExportPurposeDto] })
  purposes: ExportPurposeDto[];
  /** Every other record that refers to the contact, by table. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } })
  other: Record<string, Record<string, unknown>[]>;
}
