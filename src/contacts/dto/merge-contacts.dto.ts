import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { lowerUuid } from '../../common/validation/transforms.js';

export class MergeContactsDto {
  /** The contact merged into this one; it remains as a tombstone pointing here. */
  @Transform(lowerUuid) @IsUUID('all')
  duplicateId: string;
}
