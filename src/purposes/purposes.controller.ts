import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { IfMatch, IfMatchHeader } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreatePurposeDto, PurposeResponseDto, UpdatePurposeDto } from './dto/purpose.dto.js';
import { PurposesService } from './purposes.service.js';

const PurposePage = PageOf(PurposeResponseDto);

@ApiTags('purposes')
@Controller('purposes')
export class PurposesController {
  constructor(private readonly purposes: PurposesService) {}

  /** Declares a purpose of processing; a duplicate key is a 409. */
  @Post()
  @Access('admin')
  create(@Body() dto: CreatePurposeDto): Promise<PurposeResponseDto> {
    return this.purposes.create(dto);
  }

  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: PurposePage })
  list(@Query() q: PageQueryDto): Promise<Page<PurposeResponseDto>> {
    return this.purposes.list(q);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  findOne(@Param() { id }: UuidParam): Promise<PurposeResponseDto> {
    return this.purposes.findOne(id);
  }

  /** Changes name, description, legal basis, data categories or retention (audited; honours If-Match). */
  @Patch(':id')
  @Access('admin')
  update(@Param() { id }: UuidParam, @Body() dto: UpdatePurposeDto, @IfMatchHeader() ifMatch: IfMatch): Promise<PurposeResponseDto> {
    return this.purposes.update(id, dto, ifMatch);
  }

  /** Retires the purpose (never deleted: its consents and disclosures stay as proof). */
  @Delete(':id')
  @HttpCode(204)
  @Access('admin')
  @ApiNoContentResponse({ description: 'Retired' })
  retire(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.purposes.retire(id, ifMatch);
  }
}
