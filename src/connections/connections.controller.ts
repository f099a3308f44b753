import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { ApiConflicting, ApiMissing, ApiMissingOrStale } from '../common/http/api-problems.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { ConnectionsService } from './connections.service.js';
import { ConnectionParams, ConnectionResponseDto, CreateConnectionDto, IntroductionsQueryDto, IntroductionsResponseDto } from './dto/connection.dto.js';

const ConnectionPage = PageOf(ConnectionResponseDto);

@ApiTags('connections')
@Controller('contacts/:id')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  /** Records that two contacts know each other (`knows`, `colleague`, `reports_to`, `introduced_by`). */
  @Post('connections')
  @Access('staff')
  @ApiMissing()
  @ApiConflicting('The pair already has this kind of connection, in either direction (CONNECTION_EXISTS)')
  create(@Param() { id }: UuidParam, @Body() dto: CreateConnectionDto, @CurrentPrincipal() p: Principal): Promise<ConnectionResponseDto> {
    return this.connections.create(id, dto, p);
  }

  /** Both directions, oldest first; `direction` and `contactId` are seen from this contact. */
  @Get('connections')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ConnectionPage })
  @ApiMissing()
  list(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<ConnectionResponseDto>> {
    return this.connections.list(id, q);
  }

  @Delete('connections/:connectionId')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiMissingOrStale()
  remove(@Param() { id, connectionId }: ConnectionParams, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.connections.remove(id, connectionId, ifMatch);
  }

  /** Chains from staff through contacts who know each other to this contact, strongest first (at most 20). */
  @Get('introductions')
  @Access('staff', 'compliance')
  @ApiMissing()
  introductions(@Param() { id }: UuidParam, @Query() q: IntroductionsQueryDto): Promise<IntroductionsResponseDto> {
    return this.connections.introductions(id, q);
  }
}
