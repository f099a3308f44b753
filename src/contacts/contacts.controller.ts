import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from '../auth/access.decorator.js';
import { DomainError } from '../common/errors/domain.error.js';
import { StreamedBody } from '../common/http/body-policy.js';
import { ProblemDto } from '../common/errors/problem.js';
import { type IfMatch, IfMatchHeader } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { SingleStatement } from '../database/request.interceptor.js';
import { AffiliationsService } from './affiliations.service.js';
import { RejectConsentFieldsInterceptor } from './consent-fields.interceptor.js';
import { ContactImportService, ImportFormat } from './contact-import.service.js';
import { ContactMergeService } from './contact-merge.service.js';
import { ContactsService } from './contacts.service.js';
import {
  AffiliationIdParam,
  AffiliationResponseDto,
  CreateAffiliationDto,
  UpdateAffiliationDto,
} from './dto/affiliation.dto.js';
import {
  ContactDuplicatesResponseDto,
  ContactResponseDto,
  DuplicatePairPageDto,
  ImportResultDto,
} from './dto/contact.response.dto.js';
import { CreateContactDto } from './dto/create-contact.dto.js';
import { ImportQueryDto } from './dto/import-query.dto.js';
import { MergeContactsDto } from './dto/merge-contacts.dto.js';
import { ListContactsQueryDto, SearchContactsDto } from './dto/search-contacts.dto.js';
import { UpdateContactDto } from './dto/update-contact.dto.js';

const ContactPage = PageOf(ContactResponseDto);
const AffiliationPage = PageOf(AffiliationResponseDto);

const IMPORT_TYPES = ['text/csv', 'text/vcard', 'text/x-vcard', 'text/directory'];

function importFormat(contentType: string | undefined): ImportFormat {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'text/vcard' || type === 'text/x-vcard' || type === 'text/directory') return 'vcard';
  throw new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the import as Content-Type text/csv (with a header row) or text/vcard',
    415,
  );
}

@ApiTags('contacts')
@Controller('contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly merging: ContactMergeService,
    private readonly importer: ContactImportService,
    private readonly affiliations: AffiliationsService,
  ) {}

  /** Creates a contact. Consent is never set here (a body naming consent fields is a 400): use `POST /contacts/{id}/consents`. */
  @Post()
  @Access('staff')
  @UseInterceptors(RejectConsentFieldsInterceptor)
  @SingleStatement() // ContactsService.create writes contact, key and audit event in one statement
  create(@Body() dto: CreateContactDto): Promise<ContactResponseDto> {
    return this.contacts.create(dto);
  }

  /**
   * Lists contacts (creation order) or, with `q`, finds them by name, e-mail or organisation name, best match first.
   * Prefer `POST /contacts/search` for names and e-mail addresses: it keeps them out of URLs.
   */
  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ContactPage })
  list(@Query() q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    return this.contacts.search(q);
  }

  /** The same search as `GET /contacts`, with the terms in the body. */
  @Post('search')
  @HttpCode(200)
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ContactPage })
  search(@Body() dto: SearchContactsDto): Promise<Page<ContactResponseDto>> {
    return this.contacts.search(dto);
  }

  /** Likely duplicate pairs across the workspace (same e-mail, or a similar name at the same organisation). */
  @Get('duplicates')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: DuplicatePairPageDto })
  allDuplicates(@Query() q: PageQueryDto): Promise<DuplicatePairPageDto> {
    return this.merging.allDuplicates(q);
  }

  /**
   * Imports a CSV file (header row) or vCards (3.0/4.0). Rows are matched on e-mail and never duplicated;
   * `?dryRun=true` reports what would happen and writes nothing (`created` then holds `null` per new contact).
   */
  @Post('import')
  @HttpCode(200)
  @Access('staff')
  @StreamedBody(...IMPORT_TYPES)
  @ApiConsumes('text/csv', 'text/vcard')
  @ApiBody({ schema: { type: 'string' }, description: 'CSV with a header row, or one or more vCards' })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'Neither text/csv nor text/vcard', type: ProblemDto })
  import(
    @Req() req: Request,
    @Headers('content-type') contentType: string | undefined,
    @Query() q: ImportQueryDto,
  ): Promise<ImportResultDto> {
    return this.importer.import(req, importFormat(contentType), q.dryRun === true);
  }

  @Get(':id')
  @Access('staff', 'compliance')
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiGoneResponse({ description: 'Merged into another contact (`mergedInto`)', type: ProblemDto })
  findOne(@Param() { id }: UuidParam): Promise<ContactResponseDto> {
    return this.contacts.findOne(id);
  }

  /** Changes fields (a change of personal data notifies recipients: `contact.rectified`). Honours `If-Match`. */
  @Patch(':id')
  @Access('staff')
  @UseInterceptors(RejectConsentFieldsInterceptor)
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  update(
    @Param() { id }: UuidParam,
    @Body() dto: UpdateContactDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<ContactResponseDto> {
    return this.contacts.update(id, dto, ifMatch);
  }

  /** Archives the contact: it leaves lists but nothing is erased (erasure is `POST /contacts/{id}/erase`). */
  @Delete(':id')
  @HttpCode(204)
  @Access('staff')
  @ApiNoContentResponse({ description: 'Archived' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  archive(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.contacts.archive(id, ifMatch);
  }

  /** Brings an archived contact back into lists. */
  @Post(':id/restore')
  @HttpCode(200)
  @Access('staff')
  restore(@Param() { id }: UuidParam): Promise<ContactResponseDto> {
    return this.contacts.restore(id);
  }

  /** The contact as a vCard 4.0 (RFC 6350). The download is audited. Compliance reads everything, so it may too. */
  @Get(':id/vcard')
  @Access('staff', 'compliance')
  @ApiProduces('text/vcard')
  @ApiOkResponse({ description: 'vCard 4.0', schema: { type: 'string' } })
  async vcard(@Param() { id }: UuidParam, @Res({ passthrough: true }) reply: Response): Promise<string> {
    const card = await this.contacts.vcard(id);
    reply.setHeader('Content-Type', 'text/vcard; charset=utf-8');
    reply.setHeader('Content-Disposition', `attachment; filename="contact-${id}.vcf"`);
    reply.setHeader('Cache-Control', 'no-store');
    return card;
  }

  /** Possible duplicates of this contact, with a score (0–1) and the reason. */
  @Get(':id/duplicates')
  @Access('staff', 'compliance')
  duplicates(@Param() { id }: UuidParam): Promise<ContactDuplicatesResponseDto> {
    return this.merging.duplicatesOf(id);
  }

  /**
   * Merges `duplicateId` into this contact: everything pointing at the duplicate (interactions, consents,
   * affiliations, …) moves here; empty fields are filled; the duplicate then answers 410 with `mergedInto`.
   */
  @Post(':id/merge')
  @HttpCode(200)
  @Access('staff')
  merge(@Param() { id }: UuidParam, @Body() dto: MergeContactsDto): Promise<ContactResponseDto> {
    return this.merging.merge(id, dto.duplicateId);
  }

  @Get(':id/affiliations')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: AffiliationPage })
  listAffiliations(
    @Param() { id }: UuidParam,
    @Query() q: PageQueryDto,
  ): Promise<Page<AffiliationResponseDto>> {
    return this.affiliations.list(id, q);
  }

  @Post(':id/affiliations')
  @Access('staff')
  @ApiCreatedResponse({ type: AffiliationResponseDto })
  addAffiliation(
    @Param() { id }: UuidParam,
    @Body() dto: CreateAffiliationDto,
  ): Promise<AffiliationResponseDto> {
    return this.affiliations.create(id, dto);
  }

  /**
   * Ends (`until`) or corrects a role (someone changed jobs). Ending the primary role clears the contact's current
   * organisation and notifies recipients (`contact.rectified`). Honours `If-Match`.
   */
  @Patch(':id/affiliations/:affiliationId')
  @Access('staff')
  @ApiNotFoundResponse({ description: 'No such contact, or no such affiliation of it', type: ProblemDto })
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  updateAffiliation(
    @Param() { id, affiliationId }: AffiliationIdParam,
    @Body() dto: UpdateAffiliationDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<AffiliationResponseDto> {
    return this.affiliations.update(id, affiliationId, dto, ifMatch);
  }
}

@ApiTags('organisations')
@Controller('organisations')
export class OrganisationContactsController {
  constructor(private readonly affiliations: AffiliationsService) {}

  /**
   * People at the organisation: contacts whose organisation it is, and contacts with a current role there.
   * Takes the filters of `GET /contacts` (`q`, `tag`, …); `organisationId` is this organisation.
   */
  @Get(':id/contacts')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ContactPage })
  list(@Param() { id }: UuidParam, @Query() q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    return this.affiliations.contactsOf(id, q);
  }
}
