import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiConflicting, ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import {
  ConflictParams,
  ConflictResponseDto,
  CreateConflictDto,
  CreateMembershipDto,
  CreateReviewDto,
  MembershipParams,
  MembershipResponseDto,
  UpdateMembershipDto,
  ReviewListResponseDto,
  ReviewResponseDto,
} from './dto/network.dto.js';
import { NetworksService } from './networks.service.js';

const MembershipPage = PageOf(MembershipResponseDto);
const ConflictPage = PageOf(ConflictResponseDto);

@ApiTags('networks')
@Controller()
export class NetworksController {
  constructor(private readonly networks: NetworksService) {}

  /** Adds an organisation or a staff member to a network (an organisation of kind `network`). */
  @Post('organisations/:id/memberships')
  @Access('staff')
  @ApiMissing()
  @ApiConflicting('The organisation is not of kind network (NOT_A_NETWORK)')
  addMembership(@Param() { id }: UuidParam, @Body() dto: CreateMembershipDto, @CurrentPrincipal() p: Principal): Promise<MembershipResponseDto> {
    return this.networks.addMembership(id, dto, p);
  }

  @Get('organisations/:id/memberships')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: MembershipPage })
  @ApiMissing()
  listMemberships(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<MembershipResponseDto>> {
    return this.networks.listMemberships(id, q);
  }

  /** Corrects or ends a membership (`until`; `null` reopens it). */
  @Patch('organisations/:id/memberships/:membershipId')
  @Access('staff')
  @ApiMissingOrStale()
  updateMembership(
    @Param() { id, membershipId }: MembershipParams,
    @Body() dto: UpdateMembershipDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<MembershipResponseDto> {
    return this.networks.updateMembership(id, membershipId, dto, ifMatch);
  }

  /** The networks a contact belongs to (ended memberships included, `active: false`). */
  @Get('contacts/:id/memberships')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: MembershipPage })
  @ApiMissing()
  contactMemberships(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<MembershipResponseDto>> {
    return this.networks.membershipsOfContact(id, q);
  }

  /** Scores the network on the eleven success factors of production networks (1–5 each). */
  @Post('organisations/:id/reviews')
  @Access('staff')
  @ApiMissing()
  @ApiConflicting('The organisation is not of kind network (NOT_A_NETWORK)')
  addReview(@Param() { id }: UuidParam, @Body() dto: CreateReviewDto, @CurrentPrincipal() p: Principal): Promise<ReviewResponseDto> {
    return this.networks.addReview(id, dto, p);
  }

  /** The reviews, newest first, and the trend per factor. */
  @Get('organisations/:id/reviews')
  @Access('staff', 'compliance')
  @ApiMissing()
  listReviews(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<ReviewListResponseDto> {
    return this.networks.listReviews(id, q);
  }

  /** Declares a conflict of interest with an organisation: staff for themselves, admins for anyone. */
  @Post('users/:id/conflicts')
  @Access('staff')
  @ApiMissing()
  @ApiConflicting('Already declared')
  declareConflict(@Param() { id }: UuidParam, @Body() dto: CreateConflictDto, @CurrentPrincipal() p: Principal): Promise<ConflictResponseDto> {
    return this.networks.declareConflict(id, dto, p);
  }

  /** Withdraws a declared conflict of interest (it no longer holds): staff their own, admins any. */
  @Delete('users/:id/conflicts/:conflictId')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Withdrawn' })
  @ApiMissingOrStale()
  withdrawConflict(
    @Param() { id, conflictId }: ConflictParams,
    @CurrentPrincipal() p: Principal,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<void> {
    return this.networks.withdrawConflict(id, conflictId, p, ifMatch);
  }

  @Get('users/:id/conflicts')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ConflictPage })
  @ApiMissing()
  listConflicts(@Param() { id }: UuidParam, @Query() q: PageQueryDto, @CurrentPrincipal() p: Principal): Promise<Page<ConflictResponseDto>> {
    return this.networks.listConflicts(id, q, p);
  }
}
