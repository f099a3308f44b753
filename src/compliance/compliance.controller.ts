import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { ComplianceService } from './compliance.service.js';
import {
  ConsentCoverageQueryDto,
  ConsentCoverageResponseDto,
  ContactExportResponseDto,
  EraseContactDto,
  ErasureResponseDto,
  ExportQueryDto,
} from './dto/compliance.dto.js';
import { renderExportPdf } from './export-pdf.js';

/** `?format=` decides; otherwise an Accept header that names application/pdf (and not with q=0) asks for the PDF. */
export function wantsPdf(format: string | undefined, accept: string | undefined): boolean {
  if (format) return format === 'pdf';
  return (accept ?? '').split(',').some((part) => {
    const [type, ...params] = part.trim().toLowerCase().split(';').map((x) => x.trim());
    return type === 'application/pdf' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

@ApiTags('compliance')
@Controller()
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  /**
   * GDPR Art. 15/20: everything held on the contact. `Accept: application/pdf` or `?format=pdf`: the same as a
   * readable PDF for the person. `?requestId=` marks that data-subject request done.
   */
  @Get('contacts/:id/export')
  @Access('compliance')
  @ApiProduces('application/json', 'application/pdf')
  @ApiHeader({
    name: 'accept',
    required: false,
    description: '`application/pdf` for the PDF export (as `?format=pdf`); anything else answers JSON',
    schema: { type: 'string', maxLength: 1000 },
  })
  @ApiOkResponse({ type: ContactExportResponseDto, description: 'JSON, or with Accept: application/pdf / ?format=pdf a PDF document' })
  async export(
    @Param() { id }: UuidParam,
    @Query() q: ExportQueryDto,
    @Headers('accept') accept?: string,
  ): Promise<ContactExportResponseDto | StreamableFile> {
    const pdf = wantsPdf(q.format, accept);
    const out = await this.compliance.export(id, { requestId: q.requestId, format: pdf ? 'pdf' : 'json' });
    if (!pdf) return out;
    return new StreamableFile(await renderExportPdf(out), {
      type: 'application/pdf',
      disposition: `attachment; filename="contact-export-${id}.pdf"`,
    });
  }

  /** GDPR Art. 17: anonymise for good; proof records stay, pseudonymised; recipients are told. The body may be empty. */
  @Post('contacts/:id/erase')
  @HttpCode(200)
  @Access('compliance')
  erase(@Param() { id }: UuidParam, @Body() dto: EraseContactDto): Promise<ErasureResponseDto> {
    return this.compliance.erase(id, { requestId: dto?.requestId });
  }

  /** Consent coverage for one purpose over contacts that are neither archived nor erased. */
  @Get('reports/consent-coverage')
  @Access('compliance')
  consentCoverage(@Query() q: ConsentCoverageQueryDto): Promise<ConsentCoverageResponseDto> {
    return this.compliance.consentCoverage(q.purpose);
  }
}
