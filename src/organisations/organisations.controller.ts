import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ProblemDto } from '../common/errors/problem.js';
import { type IfMatch, IfMatchHeader } from '../common/http/etag.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import { ListOrganisationsQueryDto } from './dto/list-organisations.query.dto.js';
import { OrganisationResponseDto } from './dto/organisation.response.dto.js';
import { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

const OrganisationPage = PageOf(OrganisationResponseDto);

@ApiTags('organisations')
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @Access('staff')
  create(@Body() dto: CreateOrganisationDto): Promise<OrganisationResponseDto> {
    return this.organisations.create(dto);
  }

  /** Lists organisations; `q` finds by name (typo-tolerant, ranked), `kind` filters. */
  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: OrganisationPage })
  list(@Query() q: ListOrganisationsQueryDto): Promise<Page<OrganisationResponseDto>> {
    return this.organisations.list(q);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  findOne(@Param() { id }: UuidParam): Promise<OrganisationResponseDto> {
    return this.organisations.findOne(id);
  }

  @Patch(':id')
  @Access('staff')
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  update(
    @Param() { id }: UuidParam,
    @Body() dto: UpdateOrganisationDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<OrganisationResponseDto> {
    return this.organisations.update(id, dto, ifMatch);
  }

  /** Archives the organisation (it is not erased: contacts and interactions still point at it). */
  @Delete(':id')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Archived' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  archive(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.organisations.archive(id, ifMatch);
  }

  /** Brings an archived organisation back into lists. */
  @Post(':id/restore')
  @HttpCode(200)
  @Access('staff')
  restore(@Param() { id }: UuidParam): Promise<OrganisationResponseDto> {
    return this.organisations.restore(id);
  }
}
