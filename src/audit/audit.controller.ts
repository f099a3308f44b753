import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditService } from './audit.service.js';
import { AuditEventResponseDto, AuditVerifyResponseDto, ListAuditEventsQueryDto } from './dto/audit-event.dto.js';

const AuditEventPage = PageOf(AuditEventResponseDto);

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly audit: AuditService,
  ) {}

  /** Every change and every disclosure, newest first, with actor, time and before/after. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: AuditEventPage })
  list(@Query() q: ListAuditEventsQueryDto): Promise<Page<AuditEventResponseDto>> {
    return this.query.list(q);
  }

  /** Re-computes the hash chain from the first event. */
  @Get('verify')
  @Access('compliance')
  verify(): Promise<AuditVerifyResponseDto> {
    return this.audit.verify();
  }
}
