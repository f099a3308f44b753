import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';

export class ListInteractionsQueryDto extends PageQueryDto {
  /** `pending` is compliance's review queue of competition-sensitive interactions. */
  @IsOptional() @IsIn(['pending', 'cleared', 'escalated'])
  review?: 'pending' | 'cleared' | 'escalated';

  @IsOptional() @IsIn(['conflict_of_interest', 'not_representative'])
  flag?: 'conflict_of_interest' | 'not_representative';

  @IsOptional() @IsUUID('all')
  authorId?: string;

  @IsOptional() @IsUUID('all')
  eventId?: string;

  @IsOptional() @IsUUID('all')
  contactId?: string;
}
