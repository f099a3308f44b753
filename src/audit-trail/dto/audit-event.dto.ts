import { Transform, Type } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { ISO_DATE_MAX, lowerUuid } from '../../common/validation/transforms.js';

export class ListAuditEventsQueryDto extends PageQueryDto {
  /** What happened, e.g. `create`, `update`, `erase`, `disclose`, `withdraw`. */
  @IsOptional() @IsString() @MaxLength(100)
  action?: string;
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

/** The signed checkpoint a verification compared the chain with. */
export class VerifiedCheckpointDto {
  id: string;
  seq: number;
  hash: string;
  signedAt: Date;
  /** `file` (AUDIT_CHECKPOINT_DIR, outside the database) or `database` when no file could be read. */
  source: 'file' | 'database';
  /** The chain holds exactly this hash at this position. */
  matches: boolean;
}

export class AuditVerifyResponseDto {
  valid: boolean;
  /** Events whose link and content were recomputed. */
  checked: number;
  /** The first event whose link or content does not match (or the event at a checkpoint that does not match). */
  firstBrokenId?: string;
  /** The latest signed checkpoint, and whether the chain still holds it. */
  checkpoint?: VerifiedCheckpointDto;
  /** Events committed while the verification ran, not yet sealed into the chain (absent when none). */
  pending?: number;
}

export class VerifyAuditQueryDto {
  /** Verify from this position of the chain on (default 1: the whole chain). */
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;
}

export class AuditCheckpointResponseDto {
  id: string;
  /** The position of the chain's head that was signed. */
  seq: number;
  /** The hash of the event at `seq`. */
  hash: string;
  signedAt: Date;
  /** Compact JWS (EdDSA) over `{seq, hash, signedAt}`; verify it with the keys at /.well-known/jwks.json. */
  jws: string;
}
