import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { SuppressionResponseDto } from './dto/suppression.dto.js';
import { SuppressionsService } from './suppressions.service.js';

const SuppressionPage = PageOf(SuppressionResponseDto);

@ApiTags('compliance')
@Controller('suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  /** Suppressed e-mail addresses of erased persons, newest first: never the address or its hash. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: SuppressionPage })
  list(@Query() q: PageQueryDto): Promise<Page<SuppressionResponseDto>> {
    return this.suppressions.list(q);
  }

  /** Lifts a suppression, e.g. when the person asks to be added again. */
  @Delete(':id')
  @HttpCode(204)
  @Access('compliance')
  @ApiNoContentResponse({ description: 'Lifted' })
  lift(@Param() { id }: UuidParam): Promise<void> {
    return this.suppressions.lift(id);
  }
}
