import { Controller, Get, HttpCode, Post, Query, SetMetadata } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ApiConflicting } from '../common/http/api-problems.js';
import { Page } from '../common/http/pagination.js';
import { NO_TRANSACTION_KEY } from '../database/request.interceptor.js';
import { RetentionDueItemDto, RetentionDuePage, RetentionDueQueryDto, RetentionRunResponseDto } from './dto/retention.dto.js';
import { RetentionService } from './retention.service.js';

@ApiTags('retention')
@Controller('retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  /** Contacts due for erasure under the retention rule, longest due first. */
  @Get('due')
  @Access('compliance')
  @ApiOkResponse({ type: RetentionDuePage })
  due(@Query() q: RetentionDueQueryDto): Promise<Page<RetentionDueItemDto>> {
    return this.retention.due(q);
  }

  /** Erases every contact due now (each in a transaction of its own, audited with its reason; recipients are told). */
  @Post('run')
  @HttpCode(200)
  @Access('compliance')
  @SetMetadata(NO_TRANSACTION_KEY, true)
  @ApiConflicting('Another retention run (e.g. the daily job) is in progress')
  run(): Promise<RetentionRunResponseDto> {
    return this.retention.runNow();
  }
}
