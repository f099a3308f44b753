import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ProblemDto } from '../common/errors/problem.js';
import { Page, PageOf, PageQueryDto } from '../common/http/pagination.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditVerifier } from './audit-verifier.service.js';
import { CheckpointsService } from './checkpoints.service.js';
import {
  AuditCheckpointResponseDto,
  AuditEventResponseDto,
  AuditVerifyResponseDto,
  ListAuditEventsQueryDto,
  VerifyAuditQueryDto,
} from './dto/audit-event.dto.js';

const AuditEventPage = PageOf(AuditEventResponseDto);
const CheckpointPage = PageOf(AuditCheckpointResponseDto);

@ApiTags('audit')
@Controller('audit-events')
/** Named AuditController (not AuditTrail…): the class name makes the OpenAPI operationIds (Audit_list, Audit_verify). */
export class AuditController {
  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
    private readonly checkpoints: CheckpointsService,
  ) {}

  /** Every change and every disclosure, newest first, with actor, time and before/after. */
  @Get()
  @Access('compliance')
  @ApiOkResponse({ type: AuditEventPage })
  list(@Query() q: ListAuditEventsQueryDto): Promise<Page<AuditEventResponseDto>> {
    return this.query.list(q);
  }

  /**
   * Re-computes the hash chain (from `fromSeq`, default the first event) and compares it with the latest signed
   * checkpoint: a history rewritten as a whole, every hash recomputed, is `valid: false`.
   */
  @Get('verify')
  @Access('compliance')
  verify(@Query() q: VerifyAuditQueryDto): Promise<AuditVerifyResponseDto> {
    return this.verifier.verify(q.fromSeq);
  }

  /** Signs the current head of the chain; also written as a file to AUDIT_CHECKPOINT_DIR. */
  @Post('checkpoints')
  @Access('compliance')
  @ApiCreatedResponse({ type: AuditCheckpointResponseDto })
  @ApiConflictResponse({ description: 'The audit trail has no event yet (AUDIT_TRAIL_EMPTY)', type: ProblemDto })
  createCheckpoint(): Promise<AuditCheckpointResponseDto> {
    return this.checkpoints.create();
  }

  /** Signed checkpoints, newest first. */
  @Get('checkpoints')
  @Access('compliance')
  @ApiOkResponse({ type: CheckpointPage })
  listCheckpoints(@Query() q: PageQueryDto): Promise<Page<AuditCheckpointResponseDto>> {
    return this.checkpoints.list(q);
  }
}
