import { Global, Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditPersonalData } from './audit-personal-data.js';
import { AuditSealer } from './audit-sealer.js';
import { AuditService } from './audit.service.js';

/**
 * Infrastructure: every feature records its changes through AuditService in its own transaction. The trail's
 * public API (list, verify, signed checkpoints) is the audit-trail feature.
 */
@Global()
@Module({
  providers: [AuditService, AuditEventsRepository, AuditPersonalData, AuditSealer],
  exports: [AuditService, AuditEventsRepository, AuditSealer],
})
export class AuditModule {}
