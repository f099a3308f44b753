import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { CreateLegalBasisDto, EndLegalBasisDto, LegalBasisResponseDto } from './dto/legal-basis.dto.js';
import { LegalBasesService } from './legal-bases.service.js';

const LegalBasisPage = PageOf(LegalBasisResponseDto);

@ApiTags('consents')
@Controller()
export class LegalBasesController {
  constructor(private readonly bases: LegalBasesService) {}

  /** Records a legal basis for this person and a `contract`, `legal_obligation`, `vital_interests` or `public_task` purpose (append-only). */
  @Post('contacts/:id/bases')
  @Access('staff')
  record(@Param() { id }: UuidParam, @Body() dto: CreateLegalBasisDto, @CurrentPrincipal() p: Principal): Promise<LegalBasisResponseDto> {
    return this.bases.record(id, dto, p);
  }

  /** The contact's recorded bases, ended ones included, newest first. */
  @Get('contacts/:id/bases')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: LegalBasisPage })
  list(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<LegalBasisResponseDto>> {
    return this.bases.list(id, q);
  }

  /** Ends a basis: the gate answers `no_basis` for it from now on. Ending it again answers the first ending. */
  @Post('bases/:id/end')
  @HttpCode(200)
  @Access('staff')
  end(@Param() { id }: UuidParam, @Body() dto: EndLegalBasisDto, @CurrentPrincipal() p: Principal): Promise<LegalBasisResponseDto> {
    return this.bases.end(id, dto.reason, p);
  }
}
