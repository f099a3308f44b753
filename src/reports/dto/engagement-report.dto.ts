import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { ISO_DATE_MAX, lowerUuid } from '../../common/validation/transforms.js';

export class ReportWindowQueryDto {
  /** Only interactions (or follow-ups, by due date) at or after this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  from?: string;

  /** Only before this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  to?: string;
}

export class FollowUpReportQueryDto extends ReportWindowQueryDto {
  /** Only the follow-ups of this event's interactions (and the event's follow-through). */
  @Transform(lowerUuid) @IsOptional() @IsUUID('all')
  eventId?: string;
}

/** The event's follow-through (as GET /events/:id/follow-through, counts only). */
export class EventFollowThroughCountsDto {
  eventId: string;
  attendees: number;
  met: number;
  followedUp: number;
  followedUpInTime: number;
  open: number;
  notContacted: number;
}

export class FollowUpCountsDto {
  /** Open follow-ups (overdue ones included). */
  open: number;
  /** Open and past their due date. */
  overdue: number;
  /** Done by their due date. */
  doneOnTime: number;
  /** Done after their due date. */
  doneLate: number;
  cancelled: number;
  total: number;
  /** doneOnTime / (doneOnTime + doneLate); null when nothing is done. */
  @ApiProperty({ type: Number, nullable: true })
  onTimeRate: number | null;
}

export class FollowUpsByAssigneeDto extends FollowUpCountsDto {
  assigneeId: string | null;
  assigneeName: string | null;
}

export class FollowUpsByEventDto extends FollowUpCountsDto {
  eventId: string;
  eventName: string;
}

export class FollowUpReportResponseDto extends FollowUpCountsDto {
  @ApiProperty({ type: [FollowUpsByAssigneeDto] })
  byAssignee: FollowUpsByAssigneeDto[];
  @ApiProperty({ type: [FollowUpsByEventDto] })
  byEvent: FollowUpsByEventDto[];
  /** With `eventId` only: the event's attendees met, followed up (in time), open and not contacted. */
  followThrough?: EventFollowThroughCountsDto;
}

export class MonthCountDto {
  /** `YYYY-MM` (UTC). */
  month: string;
  total: number;
  /** Count per interaction type. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  byType: Record<string, number>;
}

export class ReciprocityMixDto {
  give: number;
  exchange: number;
  ask: number;
  unspecified: number;
  /** Shares among interactions with a reciprocity (null when there are none). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true } })
  share: { give: number | null; exchange: number | null; ask: number | null };
  /** The 70/20/10 rule of thumb: mostly give, some exchange, rarely ask. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } })
  target: { give: number; exchange: number; ask: number };
  /** share − target per kind, in percentage points / 100. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true } })
  deviation: { give: number | null; exchange: number | null; ask: number | null };
}

export class DormantByOwnerDto {
  ownerId: string | null;
  ownerName: string | null;
  /** Active contacts owned. */
  contacts: number;
  /** Last interaction older than DORMANT_DAYS. */
  dormant: number;
  /** No interaction ever. */
  neverInteracted: number;
}

export class DormantByStaffDto {
  userId: string;
  name: string;
  /** Contacts this staff member has interacted with. */
  relationships: number;
  /** Of those, the ones whose last shared interaction is older than DORMANT_DAYS. */
  dormant: number;
}

export class DormantReportDto {
  days: number;
  /** Active contacts whose last interaction is older than DORMANT_DAYS. */
  total: number;
  @ApiProperty({ type: [DormantByOwnerDto] })
  byOwner: DormantByOwnerDto[];
  @ApiProperty({ type: [DormantByStaffDto] })
  byStaff: DormantByStaffDto[];
}

export class ActiveOrganisationDto {
  organisationId: string;
  name: string;
  kind: string;
  interactions: number;
  lastInteractionAt: string;
}

export class NetworkReportResponseDto {
  @ApiProperty({ type: [MonthCountDto] })
  interactionsPerMonth: MonthCountDto[];
  reciprocity: ReciprocityMixDto;
  dormant: DormantReportDto;
  /** Top 10 by interactions (linked to the organisation or with its people). */
  @ApiProperty({ type: [ActiveOrganisationDto] })
  mostActiveOrganisations: ActiveOrganisationDto[];
  /** Top 10 networks by interactions with the network, its member organisations, or their people. */
  @ApiProperty({ type: [ActiveOrganisationDto] })
  mostActiveNetworks: ActiveOrganisationDto[];
}
