import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { queryBool, lowerUuid, OptionalNotNull, ISO_DATE_MAX } from '../../common/validation/transforms.js';

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export class CreateFollowUpDto {
  /** The interaction it follows (then the default due date counts from the interaction). */
  @Transform(lowerUuid)
  @ValidateIf((o: CreateFollowUpDto) => o.contactId === undefined || o.interactionId !== undefined)
  @IsUUID('all')
  interactionId?: string;

  /** For a follow-up on its own: the contact to get back to. One of `interactionId`, `contactId` is required. */
  @Transform(lowerUuid)
  @ValidateIf((o: CreateFollowUpDto) => o.interactionId === undefined || o.contactId !== undefined)
  @IsUUID('all')
  contactId?: string;

  /** Default FOLLOW_UP_DAYS working days after the interaction (or after now). */
  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  dueAt?: string;

  /** Default the caller's user. */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  assigneeId?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class UpdateFollowUpDto {
  @OptionalNotNull() @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;

  @OptionalNotNull() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  dueAt?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  assigneeId?: string;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;
}

export class ListFollowUpsQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(FOLLOW_UP_STATUSES)
  status?: FollowUpStatus;

  /** `true`: only open follow-ups past their due date; `false`: only those that are not. */
  @IsOptional() @Transform(queryBool) @IsBoolean()
  overdue?: boolean;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  assigneeId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  contactId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  eventId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  interactionId?: string;
}

export class CalendarFeedQueryDto {
  /** The user's calendar token (missing or unknown: 401). */
  @IsOptional() @IsString() @MaxLength(200)
  token?: string;
}
