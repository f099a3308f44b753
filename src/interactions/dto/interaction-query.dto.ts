import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import { lowerUuid } from '../../common/validation/transforms.js';

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
}
