import { Global, Module } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditPersonalData } from './audit-personal-data.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditQueryService, AuditEventsRepository, AuditPersonalData],
  exports: [AuditService],
})
export class AuditModule {}
