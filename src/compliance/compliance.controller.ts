import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { ComplianceService } from './compliance.service.js';
import {
  ConsentCoverageQueryDto,
  ConsentCoverageResponseDto,
  ContactExportResponseDto,
  ErasureResponseDto,
} from './dto/compliance.dto.js';

@ApiTags('compliance')
@Controller()
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  /** GDPR Art. 15/20: everything held on the contact. */
  @Get('contacts/:id/export')
  @Access('compliance')
  export(@Param() { id }: UuidParam): Promise<ContactExportResponseDto> {
    return this.compliance.export(id);
  }

  /** GDPR Art. 17: anonymise for good; proof records stay, pseudonymised; recipients are told. */
  @Post('contacts/:id/erase')
  @HttpCode(200)
  @Access('compliance')
  erase(@Param() { id }: UuidParam): Promise<ErasureResponseDto> {
    return this.compliance.erase(id);
  }

  /** Consent coverage for one purpose over contacts that are neither archived nor erased. */
  @Get('reports/consent-coverage')
  @Access('compliance')
  consentCoverage(@Query() q: ConsentCoverageQueryDto): Promise<ConsentCoverageResponseDto> {
    return this.compliance.consentCoverage(q.purpose);
  }
}
