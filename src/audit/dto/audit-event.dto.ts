import { Transform } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { ISO_DATE_MAX, lowerUuid } from '../../common/validation/transforms.js';

export class ListAuditEventsQueryDto extends PageQueryDto {
  /** e.g. `contact`, `organisation`, `consent`, `disclosure`, `api_key`. */
  @IsOptional() @IsString() @MaxLength(100)
  entityType?: string;
  /** An id in any letter case: UUIDs are compared in their canonical lower case. */
  @Transform(lowerUuid) @IsOptional() @IsString() @MaxLength(100)
  entityId?: string;
  /** A user id, or an API key id for keys that act for no user. */
  @Transform(lowerUuid) @IsOptional() @IsString() @MaxLength(100)
  actorId?: string;
  /** Events about one contact. */
  @Transform(lowerUuid) @IsOptional() @IsUUID()
  contactId?: string;
  /** Inclusive lower bound on `occurredAt` (ISO 8601). */
  @IsOptional() @IsDateString() @MaxLength(ISO_DATE_MAX)
  from?: string;
  /** Exclusive upper bound on `occurredAt` (ISO 8601). */
  @IsOptional() @IsDateString() @MaxLength(ISO_DATE_MAX)
  to?: string;
}

export class AuditEventResponseDto {
  id: string;
  /** Position in the hash chain, from 1. */
  seq: number;
  occurredAt: Date;
  /** `api_key`, `oidc_user`, `oidc_client` or `system`. */
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  contactId: string | null;
  requestId: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  before: unknown;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  after: unknown;
  /** True when the contact was erased: the personal values in before/after are gone for good. */
  erased: boolean;
  prevHash: string;
  hash: string;
}

export class AuditVerifyResponseDto {
  valid: boolean;
  checked: number;
  firstBrokenId?: string;
}
