import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { Access, ProblemResponse, Public } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { ProblemDto } from '../common/errors/problem.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CalendarFeedQueryDto, CreateFollowUpDto, ListFollowUpsQueryDto, UpdateFollowUpDto } from './dto/follow-up.dto.js';
import { CalendarTokenResponseDto, FollowUpResponseDto } from './dto/follow-up.response.dto.js';
import { FollowUpsService } from './follow-ups.service.js';

const FollowUpPage = PageOf(FollowUpResponseDto);

@ApiTags('follow-ups')
@Controller('follow-ups')
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  /** A follow-up on its own, for an interaction or a contact. */
  @Post()
  @Access('staff')
  @ApiMissing()
  create(@Body() dto: CreateFollowUpDto, @CurrentPrincipal() p: Principal): Promise<FollowUpResponseDto> {
    return this.followUps.create(dto, p);
  }

  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: FollowUpPage })
  list(@Query() q: ListFollowUpsQueryDto, @CurrentPrincipal() p: Principal): Promise<Page<FollowUpResponseDto>> {
    return this.followUps.list(q, p);
  }

  /** Issues (or rotates) the caller's calendar feed token. */
  @Post('calendar-token')
  @Access('staff')
  calendarToken(@CurrentPrincipal() p: Principal): Promise<CalendarTokenResponseDto> {
    return this.followUps.issueCalendarToken(p.userId, p);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  @ApiMissing()
  findOne(@Param() { id }: UuidParam, @CurrentPrincipal() p: Principal): Promise<FollowUpResponseDto> {
    return this.followUps.findOne(id, p);
  }

  /** Status changes record who closed it and when (`completedAt`, `completedBy`). */
  @Patch(':id')
  @Access('staff')
  @ApiMissingOrStale()
  update(
    @Param() { id }: UuidParam,
    @Body() dto: UpdateFollowUpDto,
    @IfMatchHeader() ifMatch: IfMatch,
    @CurrentPrincipal() p: Principal,
  ): Promise<FollowUpResponseDto> {
    return this.followUps.update(id, dto, ifMatch, p);
  }
}

@ApiTags('follow-ups')
@Controller()
export class CalendarFeedController {
  constructor(private readonly followUps: FollowUpsService) {}

  /** iCalendar feed of a user's open follow-ups; the per-user token in the URL is the credential. */
  @Get('follow-ups.ics')
  @Public()
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar (RFC 5545)', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'Missing, unknown or rotated token', type: ProblemDto })
  @ProblemResponse(400, 'Malformed input: an unknown query parameter or a token over 200 characters (errors lists each field)')
  async feed(@Query() q: CalendarFeedQueryDto, @Res({ passthrough: true }) reply: Response): Promise<string> {
    const body = await this.followUps.calendar(q.token);
    reply.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    reply.setHeader('Cache-Control', 'private, no-store');
    reply.setHeader('Referrer-Policy', 'no-referrer');
    return body;
  }

  /** Issues (or rotates) a user's calendar feed token: admin for anyone, staff for themselves. */
  @Post('users/:id/calendar-token')
  @Access('staff')
  @ApiMissing()
  issue(@Param() { id }: UuidParam, @CurrentPrincipal() p: Principal): Promise<CalendarTokenResponseDto> {
    return this.followUps.issueCalendarToken(id, p);
  }
}
