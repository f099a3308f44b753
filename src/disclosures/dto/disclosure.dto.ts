import { Transform } from 'class-transformer';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { IsUuidList } from '../../common/validation/uuid-list.validator.js';
import { lowerUuid, ISO_DATE_MAX } from '../../common/validation/transforms.js';

export class CreateDisclosureDto {
  /** Purpose key. */
  @IsString() @MaxLength(100) @Matches(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, { message: 'purpose must be a purpose key' })
  purpose: string;

  /** Required, except for an integration key: it defaults to the key's own recipient. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  recipientId?: string;

  // IsUuidList is a custom validator the Swagger plugin cannot read: the items' format is stated here.
  @ApiProperty({ type: [String], maxItems: 10_000, items: { type: 'string', format: 'uuid' } })
  @Transform(lowerUuid) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10_000) @IsUuidList()
  contactIds: string[];

  /** Contact fields wanted; only those also in the purpose's dataCategories are disclosed. Omitted: all dataCategories. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true })
  fields?: string[];
}

export class DisclosedContactDto {
  contactId: string;
  /** Only fields both asked for and in the purpose's dataCategories. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}

export class WithheldContactDto {
  contactId: string;
  reason: string;
}

export class DisclosureResultDto {
  id: string;
  purpose: string;
  recipientId: string;
  /** The fields each disclosed contact's data may hold. */
  fields: string[];
  createdAt: Date;
  @ApiProperty({ type: [DisclosedContactDto] })
  disclosed: DisclosedContactDto[];
  @ApiProperty({ type: [WithheldContactDto] })
  withheld: WithheldContactDto[];
  /** Compact JWS (EdDSA) over the disclosure record; keys at /.well-known/jwks.json. */
  receipt: string;
}

export class DisclosureQueryDto extends PageQueryDto {
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  contactId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  recipientId?: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  from?: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  to?: string;
}

export class DisclosureDecisionDto {
  contactId: string;
  allowed: boolean;
  reason: string;
  legalBasis: string | null;
  consentId: string | null;
  fields: string[];
}

export class DisclosureResponseDto {
  id: string;
  purpose: string;
  purposeId: string;
  recipientId: string;
  requestedFields: string[] | null;
  fields: string[];
  actorType: string;
  actorId: string | null;
  contactCount: number;
  disclosedCount: number;
  receipt: string;
  createdAt: Date;
  /** Per-contact decisions (one disclosure read; not in lists). */
  @ApiProperty({ type: [DisclosureDecisionDto], required: false })
  decisions?: DisclosureDecisionDto[];
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  keys: Record<string, unknown>[];
}

export class SigningKeyRotatedDto {
  /** The new active key id. */
  kid: string;
}
