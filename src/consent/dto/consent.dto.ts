import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  isUUID,
  Matches,
  MaxLength,
  maxLength,
} from 'class-validator';
import { fastValidation, hasOnlyKeys } from '../../common/validation/validation.pipe.js';
import { IsUuidList } from '../../common/validation/uuid-list.validator.js';
import { CONSENT_METHODS, type ConsentMethod, type ConsentStatus } from '../consent.entity.js';
import { DECISION_REASONS } from '../consent-decision.js';
import { lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';

const SLUG = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

export class CreateConsentDto {
  /** Purpose key, e.g. `newsletter`. */
  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'purpose must be a purpose key' })
  purpose: string;

  /** The recipients this consent covers; omitted or empty: every recipient. */
  @Transform(lowerUuid) @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  recipientIds?: string[];

  @ApiProperty({ enum: CONSENT_METHODS })
  @IsIn(CONSENT_METHODS)
  method: ConsentMethod;

  /** Version of the privacy notice the person was shown. */
  @IsString() @IsNotEmpty() @MaxLength(200)
  noticeVersion: string;

  /** The notice text shown; only its SHA-256 is kept (`noticeHash`). */
  @OptionalNotNull() @IsString() @MaxLength(100_000)
  noticeText?: string;

  /** How consent was captured (form id, IP address, paper scan reference…). */
  @IsOptional() @IsObject()
  evidence?: Record<string, unknown>;

  /** When consent was given (default now). */
  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  obtainedAt?: string;

  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  expiresAt?: string;

  /** `false` with `email_double_opt_in`: the record is `pending` until the person confirms with the token. */
  @OptionalNotNull() @IsBoolean()
  confirmed?: boolean;

  /** The interaction during which consent was captured in person. */
  @Transform(lowerUuid) @IsOptional() @IsUUID()
  interactionId?: string;
}

export class WithdrawConsentDto {
  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

export class ConfirmConsentDto {
  @IsString() @IsNotEmpty() @MaxLength(200)
  token: string;
}

export class CreateObjectionDto {
  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'purpose must be a purpose key' })
  purpose: string;

  @IsOptional() @IsString() @MaxLength(2000)
  reason?: string;
}

const STATUSES = ['granted', 'pending', 'withdrawn', 'expired'];

export class ConsentResponseDto {
  id: string;
  contactId: string;
  /** Purpose key. */
  purpose: string;
  purposeId: string;
  /** Empty: every recipient. */
  recipientIds: string[];
  /** `expired` is computed: expiresAt <= now. */
  @ApiProperty({ enum: STATUSES })
  status: ConsentStatus;
  @ApiProperty({ enum: CONSENT_METHODS })
  method: ConsentMethod;
  noticeVersion: string;
  noticeHash: string | null;
  evidence: Record<string, unknown> | null;
  interactionId: string | null;
  recordedBy: string | null;
  obtainedAt: Date;
  expiresAt: Date | null;
  confirmedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  createdAt: Date;
  /** Only when created pending: the single-use token for `POST /consents/confirm`. */
  @ApiPropertyOptional()
  confirmationToken?: string;
  confirmationExpiresAt?: Date | null;
}

export class ConfirmedConsentResponseDto {
  id: string;
  purpose: string;
  @ApiProperty({ enum: STATUSES })
  status: ConsentStatus;
  confirmedAt: Date | null;
}

export class ObjectionResponseDto {
  id: string;
  contactId: string;
  purpose: string;
  purposeId: string;
  reason: string | null;
  recordedBy: string | null;
  createdAt: Date;
}

const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ConsentCheckQueryDto {
  /** Any UUID; one that names no contact is answered `unknown_contact`. */
  // The pattern is stated for OpenAPI: the Swagger plugin cannot read a regular expression held in a constant.
  @ApiProperty({ pattern: ANY_UUID.source })
  @Transform(lowerUuid) @IsString() @Matches(ANY_UUID, { message: 'contactId must be a UUID' })
  contactId: string;

  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'purpose must be a purpose key' })
  purpose: string;

  /** Required, except for an integration key: it defaults to the key's own recipient. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  recipientId?: string;
}

// The single check's query when it is plainly valid (the gate's hot path): what the full pipe builds.
fastValidation(ConsentCheckQueryDto, (v) => {
  if (!hasOnlyKeys(v, ['contactId', 'purpose', 'recipientId'], ['contactId', 'purpose'])) return undefined;
  const { contactId, purpose, recipientId } = v;
  if (typeof contactId !== 'string' || !ANY_UUID.test(contactId)) return undefined;
  if (typeof purpose !== 'string' || !maxLength(purpose, 100) || !SLUG.test(purpose)) return undefined;
  if (recipientId !== undefined && (typeof recipientId !== 'string' || !isUUID(recipientId, 'all'))) return undefined;
  const q = new ConsentCheckQueryDto();
  q.contactId = lowerUuid({ value: contactId }) as string;
  q.purpose = purpose;
  if (recipientId !== undefined) q.recipientId = lowerUuid({ value: recipientId }) as string;
  return q;
});

export class BulkConsentCheckDto {
  @IsString() @MaxLength(100) @Matches(SLUG, { message: 'purpose must be a purpose key' })
  purpose: string;

  /** Required, except for an integration key: it defaults to the key's own recipient. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  recipientId?: string;

  /** Up to 10,000 contact ids. */
  // IsUuidList is a custom validator the Swagger plugin cannot read: the items' format is stated here.
  @ApiProperty({ type: [String], maxItems: 10_000, items: { type: 'string', format: 'uuid' } })
  @Transform(lowerUuid) @IsArray() @ArrayMaxSize(10_000) @IsUuidList()
  contactIds: string[];
}

// The bulk check's body when it is plainly valid (issue 9: 10,000 ids): one regular-expression test and one
// lower-casing per id, where class-transformer and class-validator walk the array several times.
fastValidation(BulkConsentCheckDto, (v) => {
  if (!hasOnlyKeys(v, ['purpose', 'recipientId', 'contactIds'], ['purpose', 'contactIds'])) return undefined;
  const { purpose, recipientId, contactIds } = v;
  if (typeof purpose !== 'string' || !maxLength(purpose, 100) || !SLUG.test(purpose)) return undefined;
  if (recipientId !== undefined && (typeof recipientId !== 'string' || !isUUID(recipientId, 'all'))) return undefined;
  if (!Array.isArray(contactIds) || contactIds.length > 10_000) return undefined;
  const ids = new Array<string>(contactIds.length);
  for (let i = 0; i < contactIds.length; i++) {
    const id: unknown = contactIds[i];
    if (typeof id !== 'string' || !ANY_UUID.test(id)) return undefined;
    ids[i] = id.toLowerCase();
  }
  const dto = new BulkConsentCheckDto();
  dto.purpose = purpose;
  if (recipientId !== undefined) dto.recipientId = lowerUuid({ value: recipientId }) as string;
  dto.contactIds = ids;
  return dto;
});


export class ConsentDecisionResponseDto {
  allowed: boolean;
  /** `consent` or the purpose's basis when allowed; null when denied. */
  @ApiProperty({ type: String, nullable: true })
  legalBasis: string | null;
  @ApiProperty({ type: String, nullable: true })
  consentId: string | null;
  @ApiProperty({ enum: DECISION_REASONS })
  reason: string;
}

export class ContactDecisionResponseDto extends ConsentDecisionResponseDto {
  contactId: string;
}

export class BulkConsentCheckResponseDto {
  @ApiProperty({ type: [ContactDecisionResponseDto] })
  results: ContactDecisionResponseDto[];
}

/** ISO/IEC TS 27560 consent record with W3C DPV terms (see the README, "Consent receipts"). */
export class ConsentReceiptDto {
  schemaVersion: string;
  recordId: string;
  piiPrincipalId: string;
  /** given | requested | withdrawn | expired */
  consentState: string;
  /** dpv:ConsentGiven, dpv:ConsentRequested, dpv:ConsentWithdrawn, dpv:ConsentExpired */
  consentStatus: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  purposes: Record<string, unknown>[];
}
