import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiConflicting, ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import {
  AddAttendeeDto,
  AttendeeResponseDto,
  CreateEventDto,
  EventBriefingResponseDto,
  EventFollowThroughResponseDto,
  EventResponseDto,
  EventSummaryResponseDto,
  ListEventsQueryDto,
  UpdateEventDto,
} from './dto/event.dto.js';
import { AttendeeParam } from './dto/attendee-param.dto.js';
import { EventsService } from './events.service.js';

const EventPage = PageOf(EventResponseDto);
const AttendeePage = PageOf(AttendeeResponseDto);

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

  /** Deletes an event no interaction is linked to (409 otherwise); its representatives and attendees go with it. */
  @Delete(':id')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiMissingOrStale()
  @ApiConflicting('Interactions are linked to the event')
  remove(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.events.remove(id, ifMatch);
  }

  /** Records that an external contact attends (404: unknown event or contact; 409: already recorded). */
  @Post(':id/attendees')
  @Access('staff')
  @ApiMissing()
  @ApiConflicting('The contact is already recorded as attending')
  addAttendee(@Param() { id }: UuidParam, @Body() dto: AddAttendeeDto, @CurrentPrincipal() p: Principal): Promise<AttendeeResponseDto> {
    return this.events.addAttendee(id, dto, p);
  }

  /** The recorded attendees, in order of recording. */
  @Get(':id/attendees')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: AttendeePage })
  @ApiMissing()
  listAttendees(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<AttendeeResponseDto>> {
    return this.events.listAttendees(id, q);
  }

  @Delete(':id/attendees/:contactId')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiMissing()
  removeAttendee(@Param() { id, contactId }: AttendeeParam): Promise<void> {
    return this.events.removeAttendee(id, contactId);
  }

  /** Per attendee: who on staff knows them, their last interaction and open follow-ups. */
  @Get(':id/briefing')
  @Access('staff', 'compliance')
  @ApiMissing()
  briefing(@Param() { id }: UuidParam): Promise<EventBriefingResponseDto> {
    return this.events.briefing(id);
  }

  /** Attendees met, followed up (in time), still open and not contacted, with the contact ids. */
  @Get(':id/follow-through')
  @Access('staff', 'compliance')
  @ApiMissing()
  followThrough(@Param() { id }: UuidParam): Promise<EventFollowThroughResponseDto> {
    return this.events.followThrough(id);
  }
}
