import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { RetentionClock } from './retention-clock.js';
import { RetentionController } from './retention.controller.js';
import { RetentionJob } from './retention.job.js';
import { RetentionRunsRepository } from './retention-runs.repository.js';
import { RetentionService } from './retention.service.js';

/** Retention that acts: who is due for erasure, runs that erase them (on request, or daily with RETENTION_ENFORCE). */
@Module({
  imports: [ComplianceModule, ContactsModule],
  controllers: [RetentionController],
  providers: [RetentionService, RetentionRunsRepository, RetentionClock, RetentionJob],
})
export class RetentionModule {}
