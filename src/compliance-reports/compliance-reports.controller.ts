import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { Page } from '../common/http/pagination.js';
import { ComplianceReportsService } from './compliance-reports.service.js';
import {
  ConsentsExpiringQueryDto,
  DisclosureReportQueryDto,
  DisclosureReportResponseDto,
  ExpiringConsentDto,
  ExpiringConsentPage,
  ProcessingActivitiesQueryDto,
  ProcessingActivitiesResponseDto,
  SubjectRequestReportDto,
} from './dto/compliance-reports.dto.js';

/** Compliance reports: admin and compliance only (staff and integration keys get 403). */
@ApiTags('reports')
@Controller('reports')
export class ComplianceReportsController {
  constructor(private readonly reports: ComplianceReportsService) {}

  /**
   * The record of processing activities (GDPR Art. 30): one activity per purpose that is not retired. As CSV (one
   * row per purpose) with `Accept: text/csv` or `?format=csv`.
   */
  @Get('processing-activities')
  @Access('compliance')
  @ApiExtraModels(ProcessingActivitiesResponseDto)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The record as JSON, or as CSV (header row, one row per purpose)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ProcessingActivitiesResponseDto) } },
      'text/csv': { schema: { type: 'string', maxLength: 10_485_760 } },
    },
  })
  async processingActivities(
    @Query() q: ProcessingActivitiesQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) reply: Response,
  ): Promise<ProcessingActivitiesResponseDto | string> {
    const record = await this.reports.processingActivities();
    reply.setHeader('Vary', 'Accept');
    const csv = q.format ? q.format === 'csv' : req.accepts(['application/json', 'text/csv']) === 'text/csv';
    if (!csv) return record;
    reply.setHeader('Content-Type', 'text/csv; charset=utf-8');
    reply.setHeader('Content-Disposition', 'attachment; filename="processing-activities.csv"');
    return this.reports.processingActivitiesCsv(record);
  }

  /** Per recipient and month (UTC): contacts disclosed (once per disclosure) and withheld, by reason; `[from, to)`. */
  @Get('disclosures')
  @Access('compliance')
  disclosures(@Query() q: DisclosureReportQueryDto): Promise<DisclosureReportResponseDto> {
    return this.reports.disclosures(q);
  }

  /** Live consents that expire within `withinDays` (default 30), soonest first. */
  @Get('consents-expiring')
  @Access('compliance')
  @ApiOkResponse({ type: ExpiringConsentPage })
  consentsExpiring(@Query() q: ConsentsExpiringQueryDto): Promise<Page<ExpiringConsentDto>> {
    return this.reports.consentsExpiring(q);
  }

  /** The data-subject request register's timeliness: by kind, by status, overdue, median days to answer. */
  @Get('subject-requests')
  @Access('compliance')
  subjectRequests(): Promise<SubjectRequestReportDto> {
    return this.reports.subjectRequests();
  }
}
