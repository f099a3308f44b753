import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { lowerUuid } from '../../common/validation/transforms.js';

export const CONNECTION_KINDS = ['knows', 'colleague', 'introduced_by', 'reports_to'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];
/** `knows` and `colleague` hold both ways; `reports_to` and `introduced_by` have a direction. */
export const SYMMETRIC_KINDS: readonly ConnectionKind[] = ['knows', 'colleague'];

export class ConnectionParams {
  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  id: string;

  @Transform(lowerUuid) @ApiProperty({ format: 'uuid' }) @IsUUID('all')
  connectionId: string;
}

export class CreateConnectionDto {
  /** The other contact (distinct from the one in the path). */
  @Transform(lowerUuid) @IsUUID('all')
  contactId: string;

  /**
   * `knows`, `colleague` (both ways), `reports_to` (the contact in the path reports to `contactId`) or
   * `introduced_by` (the contact in the path was introduced by `contactId`).
   */
  @ApiProperty({ enum: CONNECTION_KINDS })
  @IsIn(CONNECTION_KINDS)
  kind: ConnectionKind;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class ConnectionResponseDto {
  id: string;
  /** The other contact of the connection, seen from the contact in the path. */
  contactId: string;
  @ApiProperty({ enum: CONNECTION_KINDS })
  kind: ConnectionKind;
  /**
   * `outgoing`: recorded from this contact to `contactId` (for `reports_to`: this contact reports to `contactId`);
   * `incoming`: recorded from `contactId` to this contact. For `knows` and `colleague` only a record of who entered it.
   */
  @ApiProperty({ enum: ['outgoing', 'incoming'] })
  direction: 'outgoing' | 'incoming';
  /** Whether the kind has a direction (`reports_to`, `introduced_by`). */
  directed: boolean;
  fromContactId: string;
  toContactId: string;
  note: string | null;
  version: number;
  createdAt: string;
}

export const MAX_HOPS_DEFAULT = 3;

export class IntroductionsQueryDto {
  /** Links in a chain, the staff–contact link included: 1–4 (default 3). */
  @ApiPropertyOptional({ default: MAX_HOPS_DEFAULT, minimum: 1, maximum: 4 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(4)
  maxHops?: number;
}

export class IntroductionStepDto {
  @ApiProperty({ format: 'uuid', required: false })
  userId?: string;
  @ApiProperty({ format: 'uuid', required: false })
  contactId?: string;
}

export class IntroductionDto {
  /** Starts with a staff member (`{userId}`), then contacts (`{contactId}`), ending with the target contact. */
  @ApiProperty({ type: [IntroductionStepDto] })
  path: IntroductionStepDto[];
  /** The weakest link's strength: 1.0 or 0.5. */
  strength: number;
  /** Links in the chain (staff–contact link included). */
  hops: number;
  /** When the staff member last met the first contact of the chain. */
  lastInteractionAt: string;
}

export class IntroductionsResponseDto {
  /** Strongest first; at most 20 chains. */
  @ApiProperty({ type: [IntroductionDto] })
  items: IntroductionDto[];
}
