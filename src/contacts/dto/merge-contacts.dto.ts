import { IsUUID } from 'class-validator';

export class MergeContactsDto {
  /** The contact merged into this one; it remains as a tombstone pointing here. */
  @IsUUID('all')
  duplicateId: string;
}
