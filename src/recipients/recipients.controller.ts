import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { IfMatch, IfMatchHeader } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateRecipientDto, RecipientResponseDto, RecipientWithSecretResponseDto, UpdateRecipientDto } from './dto/recipient.dto.js';
import { RecipientsService } from './recipients.service.js';

const RecipientPage = PageOf(RecipientResponseDto);

@ApiTags('recipients')
@Controller('recipients')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  /** Registers a recipient; the webhook signing `secret` appears only in this answer. */
  @Post()
  @Access('admin')
  create(@Body() dto: CreateRecipientDto): Promise<RecipientWithSecretResponseDto> {
    return this.recipients.create(dto);
  }

  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: RecipientPage })
  list(@Query() q: PageQueryDto): Promise<Page<RecipientResponseDto>> {
    return this.recipients.list(q);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  findOne(@Param() { id }: UuidParam): Promise<RecipientResponseDto> {
    return this.recipients.findOne(id);
  }

  @Patch(':id')
  @Access('admin')
  update(@Param() { id }: UuidParam, @Body() dto: UpdateRecipientDto, @IfMatchHeader() ifMatch: IfMatch): Promise<RecipientResponseDto> {
    return this.recipients.update(id, dto, ifMatch);
  }

  /** Replaces the webhook signing secret; the new `secret` appears only in this answer. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Access('admin')
  rotateSecret(@Param() { id }: UuidParam): Promise<RecipientWithSecretResponseDto> {
    return this.recipients.rotateSecret(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('admin')
  @ApiNoContentResponse({ description: 'Retired' })
  retire(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.recipients.retire(id, ifMatch);
  }
}
