import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

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
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  disclosures: Record<string, unknown>[];
  /** Every other record that refers to the contact, by table. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } })
  other: Record<string, Record<string, unknown>[]>;
}
