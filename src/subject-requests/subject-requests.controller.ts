import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { IfMatchHeader, type IfMatch } from '../common/http/etag.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateSubjectRequestDto, ListSubjectRequestsQueryDto, SubjectRequestResponseDto, UpdateSubjectRequestDto } from './dto/subject-request.dto.js';
import { SubjectRequestsService } from './subject-requests.service.js';

const SubjectRequestPage = PageOf(SubjectRequestResponseDto);

/** The register of data-subject requests (GDPR Art. 12(3)): admin and compliance only. */
@ApiTags('subject-requests')
@Controller('subject-requests')
export class SubjectRequestsController {
  constructor(private readonly requests: SubjectRequestsService) {}

  /** Logs a request; dueAt is one calendar month after receivedAt (the same day, or the month's last day). */
  @Post()
  @Access('compliance')
  create(@Body() dto: CreateSubjectRequestDto, @CurrentPrincipal() p: Principal): Promise<SubjectRequestResponseDto> {
    return this.requests.create(dto, p);
  }

  /** Most urgent first. `overdue=true`: past due and not answered; `dueWithinDays=7`: the reminder list. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: SubjectRequestPage })
  list(@Query() q: ListSubjectRequestsQueryDto): Promise<Page<SubjectRequestResponseDto>> {
    return this.requests.list(q);
  }

  @Get(':id')
  @Access('compliance')
  findOne(@Param() { id }: UuidParam): Promise<SubjectRequestResponseDto> {
    return this.requests.findOne(id);
  }

  /** Sets the status (`extended`: once, 409 ALREADY_EXTENDED the second time) and optionally the note. */
  @Patch(':id')
  @Access('compliance')
  update(@Param() { id }: UuidParam, @Body() dto: UpdateSubjectRequestDto, @IfMatchHeader() ifMatch: IfMatch): Promise<SubjectRequestResponseDto> {
    return this.requests.update(id, dto, ifMatch);
  }
}
