import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiConflicting, ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { SingleStatement } from '../database/request.interceptor.js';
import { CreateInteractionDto, ReviewDecisionDto, UpdateInteractionDto } from './dto/create-interaction.dto.js';
import { ListInteractionsQueryDto } from './dto/interaction-query.dto.js';
import { ContactRelationshipResponseDto, InteractionResponseDto, RelationshipResponseDto } from './dto/interaction.response.dto.js';
import { InteractionsService } from './interactions.service.js';
import { RelationshipsService } from './relationships.service.js';

const InteractionPage = PageOf(InteractionResponseDto);
const RelationshipPage = PageOf(RelationshipResponseDto);
const ContactRelationshipPage = PageOf(ContactRelationshipResponseDto);

@ApiTags('interactions')
@Controller('interactions')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  /** Logs an interaction (the caller's user is its author), optionally with a follow-up. */
  @Post()
  @Access('staff')
  @ApiMissing()
  @SingleStatement() // InteractionsService.create: checks and writes everything, with its events, in one statement
  create(@Body() dto: CreateInteractionDto, @CurrentPrincipal() p: Principal): Promise<InteractionResponseDto> {
    return this.interactions.create(dto, p);
  }

  /** Newest first; `?review=pending` is compliance's queue of competition-sensitive interactions. */
  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: InteractionPage })
  list(@Query() q: ListInteractionsQueryDto, @CurrentPrincipal() p: Principal): Promise<Page<InteractionResponseDto>> {
    return this.interactions.list(q, p);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  @ApiMissing()
  findOne(@Param() { id }: UuidParam, @CurrentPrincipal() p: Principal): Promise<InteractionResponseDto> {
    return this.interactions.findOne(id, p);
  }

  /** The author (or an admin) edits; send `If-Match`. */
  @Patch(':id')
  @Access('staff')
  @ApiMissingOrStale()
  @ApiConflicting('The interaction is archived')
  update(
    @Param() { id }: UuidParam,
    @Body() dto: UpdateInteractionDto,
    @IfMatchHeader() ifMatch: IfMatch,
    @CurrentPrincipal() p: Principal,
  ): Promise<InteractionResponseDto> {
    return this.interactions.update(id, dto, ifMatch, p);
  }

  /** Archives (the author or an admin). */
  @Delete(':id')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Archived' })
  @ApiMissingOrStale()
  archive(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch, @CurrentPrincipal() p: Principal): Promise<void> {
    return this.interactions.archive(id, ifMatch, p);
  }

  /** Compliance's decision on a competition-sensitive interaction. */
  @Post(':id/review')
  @HttpCode(200)
  @Access('compliance')
  @ApiMissing()
  @ApiConflicting('The interaction is not competition-sensitive')
  review(@Param() { id }: UuidParam, @Body() dto: ReviewDecisionDto, @CurrentPrincipal() p: Principal): Promise<InteractionResponseDto> {
    return this.interactions.review(id, dto, p);
  }
}

@ApiTags('interactions')
@Controller()
export class TimelinesController {
  constructor(
    private readonly interactions: InteractionsService,
    private readonly relationships: RelationshipsService,
  ) {}

  /** The contact's timeline, newest first. */
  @Get('contacts/:id/interactions')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: InteractionPage })
  @ApiMissing()
  contactTimeline(@Param() { id }: UuidParam, @Query() q: PageQueryDto, @CurrentPrincipal() p: Principal): Promise<Page<InteractionResponseDto>> {
    return this.interactions.contactTimeline(id, q, p);
  }

  /** Across the organisation's people and the interactions linked to it, newest first. */
  @Get('organisations/:id/interactions')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: InteractionPage })
  @ApiMissing()
  organisationTimeline(@Param() { id }: UuidParam, @Query() q: PageQueryDto, @CurrentPrincipal() p: Principal): Promise<Page<InteractionResponseDto>> {
    return this.interactions.organisationTimeline(id, q, p);
  }

  /** Which staff know this contact, strongest first. */
  @Get('contacts/:id/relationships')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: RelationshipPage })
  @ApiMissing()
  contactRelationships(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<RelationshipResponseDto>> {
    return this.relationships.forContact(id, q);
  }

  /** A staff member's own network: the contacts they know, strongest first. */
  @Get('users/:id/relationships')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ContactRelationshipPage })
  @ApiMissing()
  userRelationships(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<ContactRelationshipResponseDto>> {
    return this.relationships.forUser(id, q);
  }
}
