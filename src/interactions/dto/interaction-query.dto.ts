import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { ISO_DATE_MAX, lowerUuid } from '../../common/validation/transforms.js';
import { TOPIC_MAX_LENGTH, TOPIC_SLUG } from './create-interaction.dto.js';

export class ListInteractionsQueryDto extends PageQueryDto {
  /** `pending` is compliance's review queue of competition-sensitive interactions. */
  @IsOptional() @IsIn(['pending', 'cleared', 'escalated'])
  review?: 'pending' | 'cleared' | 'escalated';

  @IsOptional() @IsIn(['conflict_of_interest', 'not_representative'])
  flag?: 'conflict_of_interest' | 'not_representative';

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  authorId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  eventId?: string;

  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  contactId?: string;

  /** Interactions carrying this topic (a slug, e.g. `vacancy`). */
  @IsOptional() @IsString() @MaxLength(TOPIC_MAX_LENGTH) @Matches(TOPIC_SLUG, { message: 'topic must be a slug like personnel_change' })
  topic?: string;

  /** Occurred at or after (ISO 8601 date or date-time; a date means its start, UTC). */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  from?: string;

  /** Occurred before (exclusive; ISO 8601 date or date-time). */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  to?: string;
}
