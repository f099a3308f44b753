import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, Public } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import type { Principal } from '../auth/role.js';
import { Page, PageOf } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { DisclosuresService } from './disclosures.service.js';
import { CreateDisclosureDto, DisclosureQueryDto, DisclosureResponseDto, DisclosureResultDto, JwksDto, SigningKeyRotatedDto } from './dto/disclosure.dto.js';
import { SigningKeysService } from './signing-keys.service.js';

const DisclosurePage = PageOf(DisclosureResponseDto);

@ApiTags('disclosures')
@Controller('disclosures')
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosuresService) {}

  /** Shares contacts with a recipient through the gate; every decision is recorded before the answer. */
  @Post()
  @Access('staff', 'integration')
  disclose(@Body() dto: CreateDisclosureDto, @CurrentPrincipal() p: Principal): Promise<DisclosureResultDto> {
    return this.disclosures.disclose(dto, p);
  }

  /** The disclosure log. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: DisclosurePage })
  list(@Query() q: DisclosureQueryDto): Promise<Page<DisclosureResponseDto>> {
    return this.disclosures.list(q);
  }

  @Get(':id')
  @Access('compliance')
  findOne(@Param() { id }: UuidParam): Promise<DisclosureResponseDto> {
    return this.disclosures.findOne(id);
  }
}

@ApiTags('disclosures')
@Controller('signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  /** Makes a new receipt-signing key active; old keys stay in the JWKS. */
  @Post('rotate')
  @HttpCode(200)
  @Access('admin')
  rotate(): Promise<SigningKeyRotatedDto> {
    return this.keys.rotate();
  }
}

/** Public keys that verify disclosure receipts (RFC 7517). */
@ApiTags('disclosures')
@Controller('.well-known/jwks.json')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): Promise<JwksDto> {
    return this.keys.publicKeys() as unknown as Promise<JwksDto>;
  }
}
