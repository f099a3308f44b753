import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ProblemDto } from '../common/errors/problem.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { WebhookDeliveriesQueryDto } from './dto/webhook-deliveries.query.dto.js';
import { WebhookDeliveryResponseDto } from './dto/webhook-delivery.response.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';

const WebhookDeliveryPage = PageOf(WebhookDeliveryResponseDto);

@ApiTags('webhook-deliveries')
@Controller('webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly deliveries: WebhookDeliveriesService) {}

  /** Art. 19 notifications sent or queued for recipients, newest first. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: WebhookDeliveryPage })
  list(@Query() q: WebhookDeliveriesQueryDto): Promise<Page<WebhookDeliveryResponseDto>> {
    return this.deliveries.list(q);
  }

  @Get(':id')
  @Access('compliance')
  @ApiNotFoundResponse({ type: ProblemDto })
  findOne(@Param() { id }: UuidParam): Promise<WebhookDeliveryResponseDto> {
    return this.deliveries.findOne(id);
  }

  /** Re-queues a failed or dead delivery for an attempt now (same id, fresh retry window). */
  @Post(':id/retry')
  @HttpCode(200)
  @Access('admin')
  @ApiOkResponse({ type: WebhookDeliveryResponseDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    description: 'The delivery is pending, delivered or being attempted',
    type: ProblemDto,
  })
  retry(@Param() { id }: UuidParam): Promise<WebhookDeliveryResponseDto> {
    return this.deliveries.retry(id);
  }
}
