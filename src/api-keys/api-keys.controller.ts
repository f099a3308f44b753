import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { CurrentPrincipal } from '../auth/current-principal.decorator.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ProblemDto } from '../common/errors/problem.js';
import { IfMatch, IfMatchHeader } from '../common/http/etag.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { UuidParam } from '../common/http/uuid-param.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key.response.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

const ApiKeyPage = PageOf(ApiKeyResponseDto);

@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** Creates a key; the secret `key` appears only in this answer. */
  @Post()
  @Access('admin')
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKeyResponseDto> {
    return this.keys.create(dto, actorIdOf(principal));
  }

  /** Lists keys (never their secrets). */
  @Get()
  @Access('admin')
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Query() q: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return this.keys.list(q);
  }

  @Get(':id')
  @Access('admin')
  findOne(@Param() { id }: UuidParam): Promise<ApiKeyResponseDto> {
    return this.keys.findOne(id);
  }

  /** Revokes a key at once: the next request with it is a 401. Honours `If-Match` (412 on a stale version). */
  @Delete(':id')
  @HttpCode(204)
  @Access('admin')
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto })
  revoke(@Param() { id }: UuidParam, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.keys.revoke(id, ifMatch);
  }
}
