import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { ISO_DATE_MAX, lowerUuid, OptionalNotNull, queryBool } from '../../common/validation/transforms.js';

const KINDS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'] as const;
const STATUSES = ['open', 'done', 'rejected', 'extended'] as const;

export class CreateSubjectRequestDto {
  /** Which right the person exercises (GDPR Art. 15–18, 20, 21). */
  @ApiProperty({ enum: KINDS })
  @IsIn(KINDS)
  kind: (typeof KINDS)[number];

  /** The contact the request is about, when known (it may be linked later by the export or erasure that answers it). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  contactId?: string;

  /** When the request reached us (default: now); not in the future. The deadline runs from here. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  receivedAt?: string;

  /** How it reached us, e.g. `email`, `letter`, `phone`, `web_form`. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  channel?: string;

  @IsOptional() @IsString() @MaxLength(4000)
  note?: string;
}

export class UpdateSubjectRequestDto {
  /** `extended` moves dueAt two calendar months further (Art. 12(3): two further months), once. */
  @ApiProperty({ enum: STATUSES })
  @IsIn(STATUSES)
  status: (typeof STATUSES)[number];

  /** Replaces the note (e.g. how the request was answered or why it was rejected). */
  @OptionalNotNull() @IsString() @MaxLength(4000)
  note?: string;
}

export class ListSubjectRequestsQueryDto extends PageQueryDto {
  @ApiProperty({ enum: STATUSES, required: false })
  @IsOptional() @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiProperty({ enum: KINDS, required: false })
  @IsOptional() @IsIn(KINDS)
  kind?: (typeof KINDS)[number];

  /** `true`: only requests not yet answered (open or extended) past their due date; `false`: all others. */
  @IsOptional() @Transform(queryBool) @IsBoolean()
  overdue?: boolean;

  /** Reminder: requests not yet answered that are due within this many days (overdue ones included). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(366)
  dueWithinDays?: number;

  /** Only requests about this contact. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  contactId?: string;
}

export class SubjectRequestResponseDto {
  id: string;
  @ApiProperty({ enum: KINDS })
  kind: (typeof KINDS)[number];
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  contactId: string | null;
  @ApiProperty({ enum: STATUSES })
  status: (typeof STATUSES)[number];
  receivedAt: string;
  /** One calendar month after receipt; three after the extension. */
  dueAt: string;
  /** Not yet answered (open or extended) and past dueAt. */
  overdue: boolean;
  @ApiProperty({ type: String, nullable: true })
  channel: string | null;
  @ApiProperty({ type: String, nullable: true })
  note: string | null;
  @ApiProperty({ type: String, nullable: true })
  extendedAt: string | null;
  /** When it was answered (done) or rejected. */
  @ApiProperty({ type: String, nullable: true })
  closedAt: string | null;
  /** `export` or `erasure` when an export or erasure naming the request answered it; `manual` for a PATCH. */
  @ApiProperty({ enum: ['export', 'erasure', 'manual'], nullable: true })
  answeredWith: 'export' | 'erasure' | 'manual' | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
