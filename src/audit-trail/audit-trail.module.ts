import { Module } from '@nestjs/common';
import { DisclosuresModule } from '../disclosures/disclosures.module.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditController } from './audit-trail.controller.js';
import { AuditVerifier } from './audit-verifier.service.js';
import { CheckpointScheduler } from './checkpoint.scheduler.js';
import { CheckpointsRepository } from './checkpoints.repository.js';
import { CheckpointsService } from './checkpoints.service.js';

/**
 * The audit trail's public API: the events (list, filters), verification of the chain and signed checkpoints
 * (audit_checkpoints, signed with the receipt keys of disclosures/, also written as files). Writing the trail is
 * infrastructure (audit/).
 */
@Module({
  imports: [DisclosuresModule],
  controllers: [AuditController],
  providers: [AuditQueryService, AuditVerifier, CheckpointsService, CheckpointsRepository, CheckpointScheduler],
})
export class AuditTrailModule {}
