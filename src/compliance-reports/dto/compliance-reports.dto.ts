import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { PageOf, PageQueryDto } from '../../common/http/pagination.js';
import { ISO_DATE_MAX } from '../../common/validation/transforms.js';

export const REPORT_FORMATS = ['json', 'csv'] as const;

export class ProcessingActivitiesQueryDto {
  /** `csv` answers text/csv (as `Accept: text/csv` does), one row per purpose. */
  @ApiPropertyOptional({ enum: REPORT_FORMATS })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: (typeof REPORT_FORMATS)[number];
}

export class ActivityRecipientDto {
  id: string;
  name: string;
  @ApiProperty({ enum: ['internal_tool', 'partner_organisation'] })
  kind: string;
}

export class ProcessingActivityDto {
  /** The purpose's key. */
  purpose: string;
  name: string;
  description: string;
  @ApiProperty({ enum: ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] })
  legalBasis: string;
  /** The contact fields the purpose may disclose. */
  dataCategories: string[];
  /** Recipients that received data under the purpose, or are named in one of its consents. */
  @ApiProperty({ type: [ActivityRecipientDto] })
  recipients: ActivityRecipientDto[];
  @ApiProperty({ type: Number, nullable: true })
  retentionDays: number | null;
}

/** The record of processing activities (GDPR Art. 30(1)). */
export class ProcessingActivitiesResponseDto {
  /** The controller (CONTROLLER_NAME). */
  controller: string;
  generatedAt: Date;
  /** One activity per purpose that is not retired, by purpose key. */
  @ApiProperty({ type: [ProcessingActivityDto] })
  activities: ProcessingActivityDto[];
}

export class DisclosureReportQueryDto {
  /** Only disclosures at or after this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  from?: string;

  /** Only disclosures before this instant. */
  @IsOptional() @IsDateString({ strict: true }) @MaxLength(ISO_DATE_MAX)
  to?: string;
}

export class DisclosureReportItemDto {
  recipientId: string;
  /** The month (UTC), `YYYY-MM`. */
  @ApiProperty({ example: '2026-01', pattern: '^\\d{4}-\\d{2}$' })
  month: string;
  /** Contacts disclosed, counted once per disclosure. */
  disclosed: number;
  /** Contacts withheld, by the gate's reason (e.g. `no_consent`, `objection`). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { no_consent: 3 } })
  withheld: Record<string, number>;
}

export class DisclosureReportResponseDto {
  /** By month, then recipient. */
  @ApiProperty({ type: [DisclosureReportItemDto] })
  items: DisclosureReportItemDto[];
}

export class ConsentsExpiringQueryDto extends PageQueryDto {
  /** Consents that expire within this many days from now (1–3650, default 30). */
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 3650 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  withinDays?: number;
}

export class ExpiringConsentDto {
  consentId: string;
  contactId: string;
  /** The purpose's key. */
  purpose: string;
  expiresAt: Date;
}

export const ExpiringConsentPage = PageOf(ExpiringConsentDto);

export class SubjectRequestReportDto {
  /** Requests by kind (every kind, zeros included). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { access: 2, erasure: 1 } })
  byKind: Record<string, number>;
  /** Requests by status (every status, zeros included). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { open: 1, done: 2 } })
  byStatus: Record<string, number>;
  /** Requests still open (or extended) past their due date. */
  overdue: number;
  /** Median days from receipt to answer (done or rejected), null while none is answered. */
  @ApiProperty({ type: Number, nullable: true })
  medianDaysToAnswer: number | null;
}
