import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, SetMetadata } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, ProblemResponse, Public } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { IgnoresBody } from '../common/http/body-policy.js';
import type { Principal } from '../auth/role.js';
import { NO_TRANSACTION_KEY } from '../database/request.interceptor.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { ConsentGateService } from './consent-gate.service.js';
import { ConsentsService, methodNotAllowed } from './consents.service.js';
import {
  BulkConsentCheckDto,
  BulkConsentCheckResponseDto,
  ConfirmConsentDto,
  ConfirmedConsentResponseDto,
  ConsentCheckQueryDto,
  ConsentDecisionResponseDto,
  ConsentReceiptDto,
  ConsentResponseDto,
  CreateConsentDto,
  CreateObjectionDto,
  ObjectionResponseDto,
  WithdrawConsentDto,
} from './dto/consent.dto.js';

const ConsentPage = PageOf(ConsentResponseDto);
const ObjectionPage = PageOf(ObjectionResponseDto);

@ApiTags('consents')
@Controller()
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  /** Records a consent (append-only). `confirmed: false` with email_double_opt_in creates it pending with a confirmation token. */
  @Post('contacts/:id/consents')
  @Access('staff')
  record(@Param() { id }: UuidParam, @Body() dto: CreateConsentDto, @CurrentPrincipal() p: Principal): Promise<ConsentResponseDto> {
    return this.consents.record(id, dto, p);
  }

  /** The contact's whole consent history, withdrawn and expired included, newest first. */
  @Get('contacts/:id/consents')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ConsentPage })
  list(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<ConsentResponseDto>> {
    return this.consents.listForContact(id, q);
  }

  /** GDPR Art. 21 objection: the purpose then allows nothing for this contact, whatever its legal basis. */
  @Post('contacts/:id/objections')
  @Access('staff', 'compliance')
  object(@Param() { id }: UuidParam, @Body() dto: CreateObjectionDto, @CurrentPrincipal() p: Principal): Promise<ObjectionResponseDto> {
    return this.consents.object(id, dto, p);
  }

  @Get('contacts/:id/objections')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ObjectionPage })
  objections(@Param() { id }: UuidParam, @Query() q: PageQueryDto): Promise<Page<ObjectionResponseDto>> {
    return this.consents.listObjections(id, q);
  }

  /** The double opt-in link the person follows: no credentials, the single-use token is the proof. */
  @Post('consents/confirm')
  @HttpCode(200)
  @Public()
  @ProblemResponse(400, 'Malformed input: a missing or malformed token (errors lists each field)')
  confirm(@Body() dto: ConfirmConsentDto): Promise<ConfirmedConsentResponseDto> {
    return this.consents.confirm(dto.token);
  }

  /** Withdraws a consent. Integrations may withdraw consents covering their own recipient. */
  @Post('consents/:id/withdraw')
  @HttpCode(200)
  @Access('staff', 'integration')
  withdraw(@Param() { id }: UuidParam, @Body() dto: WithdrawConsentDto, @CurrentPrincipal() p: Principal): Promise<ConsentResponseDto> {
    return this.consents.withdraw(id, dto.reason, p);
  }

  /** One consent record. Records are append-only: PATCH, PUT and DELETE on it answer 405. */
  @Get('consents/:id')
  @Access('staff', 'compliance')
  findOne(@Param() { id }: UuidParam): Promise<ConsentResponseDto> {
    return this.consents.findOne(id);
  }

  /** The consent as an ISO/IEC TS 27560 record with W3C DPV terms. */
  @Get('consents/:id/receipt')
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: ConsentReceiptDto })
  receipt(@Param() { id }: UuidParam): Promise<Record<string, unknown>> {
    return this.consents.receipt(id);
  }

  /** Consent records are never edited: 405. */
  @Patch('consents/:id')
  @Access('staff', 'compliance', 'integration')
  @ApiExcludeEndpoint() // always 405: documented on GET /consents/{id}
  @IgnoresBody()
  patch(): never {
    throw methodNotAllowed();
  }

  @Put('consents/:id')
  @Access('staff', 'compliance', 'integration')
  @ApiExcludeEndpoint() // always 405: documented on GET /consents/{id}
  @IgnoresBody()
  put(): never {
    throw methodNotAllowed();
  }

  /** Consent records are never deleted: 405 (withdraw instead). */
  @Delete('consents/:id')
  @Access('staff', 'compliance', 'integration')
  @ApiExcludeEndpoint() // always 405: documented on GET /consents/{id}
  @IgnoresBody()
  remove(): never {
    throw methodNotAllowed();
  }
}

@ApiTags('consent-check')
@Controller('consent-check')
export class ConsentCheckController {
  constructor(private readonly gate: ConsentGateService) {}

  /** May this contact's data be used for this purpose by this recipient? */
  @Get()
  @Access('staff', 'compliance', 'integration')
  check(@Query() q: ConsentCheckQueryDto, @CurrentPrincipal() p: Principal): Promise<ConsentDecisionResponseDto> {
    return this.gate.check(p, q.purpose, q.recipientId, q.contactId);
  }

  /** The same for up to 10,000 contacts, in one set-based query (a read: no transaction, no idempotency record). */
  @Post()
  @HttpCode(200)
  @SetMetadata(NO_TRANSACTION_KEY, true)
  @Access('staff', 'compliance', 'integration')
  checkMany(@Body() dto: BulkConsentCheckDto, @CurrentPrincipal() p: Principal): Promise<BulkConsentCheckResponseDto> {
    return this.gate.checkMany(p, dto.purpose, dto.recipientId, dto.contactIds);
  }
}
