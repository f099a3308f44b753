import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateEventDto, EventResponseDto, EventSummaryResponseDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto.js';
import { EventsService } from './events.service.js';

const EventPage = PageOf(EventResponseDto);

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Access('staff')
  @ApiMissing()
  create(@Body() dto: CreateEventDto, @CurrentPrincipal() p: Principal): Promise<EventResponseDto> {
    return this.events.create(dto, p);
  }

  /** Newest first. */
  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: EventPage })
  list(@Query() q: ListEventsQueryDto): Promise<Page<EventResponseDto>> {
    return this.events.list(q);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  @ApiMissing()
  findOne(@Param() { id }: UuidParam): Promise<EventResponseDto> {
    return this.events.findOne(id);
  }

  @Patch(':id')
  @Access('staff')
  @ApiMissingOrStale()
  update(@Param() { id }: UuidParam, @Body() dto: UpdateEventDto, @IfMatchHeader() ifMatch: IfMatch): Promise<EventResponseDto> {
    return this.events.update(id, dto, ifMatch);
  }

  /** Contacts met, interactions logged, follow-ups open, late and done. */
  @Get(':id/summary')
  @Access('staff', 'compliance')
  @ApiMissing()
  summary(@Param() { id }: UuidParam): Promise<EventSummaryResponseDto> {
    return this.events.summary(id);
  }
}
