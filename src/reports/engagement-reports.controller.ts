import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ApiMissing } from '../common/http/api-problems.js';
import { FollowUpReportQueryDto, FollowUpReportResponseDto, NetworkReportResponseDto, ReportWindowQueryDto } from './dto/engagement-report.dto.js';
import { EngagementReportsService } from './engagement-reports.service.js';

@ApiTags('reports')
@Controller('reports')
export class EngagementReportsController {
  constructor(private readonly reports: EngagementReportsService) {}

  /**
   * Open, overdue, done on time and done late, overall, per assignee and per event. Listed in the contract's
   * Compliance section ("for admin and compliance only; staff and integration keys get 403"). `eventId` narrows it
   * to one event and adds the event's follow-through: which fair was worked.
   */
  @Get('follow-ups')
  @Access('compliance')
  @ApiMissing('The event named by eventId does not exist')
  followUps(@Query() q: FollowUpReportQueryDto): Promise<FollowUpReportResponseDto> {
    return this.reports.followUps(q);
  }

  /** Interactions per month and type, reciprocity mix vs 70/20/10, dormant relationships, most active organisations and networks. */
  @Get('network')
  @Access('staff', 'compliance')
  network(@Query() q: ReportWindowQueryDto): Promise<NetworkReportResponseDto> {
    return this.reports.network(q);
  }
}
