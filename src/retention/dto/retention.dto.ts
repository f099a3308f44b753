import { ApiProperty } from '@nestjs/swagger';
import { PageOf, PageQueryDto } from '../../common/http/pagination.js';
import { RETENTION_REASONS, type RetentionReason } from '../retention-rule.js';

export class RetentionDueQueryDto extends PageQueryDto {}

export class RetentionDueItemDto {
  contactId: string;
  /**
   * The clause of the retention rule that became true last: `no_activity` (RETENTION_DAYS_NO_BASIS days without
   * activity), `consent_retention_passed` (the retentionDays of a purpose the person consented to passed since the
   * consent ended) or `basis_ended` (a recorded basis ended).
   */
  @ApiProperty({ enum: RETENTION_REASONS })
  reason: RetentionReason;
  /** Since when the contact is due: the moment the last clause became true. */
  dueSince: Date;
}

export const RetentionDuePage = PageOf(RetentionDueItemDto);

export class RetentionRunResponseDto {
  /** Contacts erased by this run. */
  erased: number;
}
