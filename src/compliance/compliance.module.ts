import { Module } from '@nestjs/common';
import { PersonalDataModule } from '../common/personal-data/personal-data-holder.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { SubjectRequestsModule } from '../subject-requests/subject-requests.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ComplianceController } from './compliance.controller.js';
import { ComplianceService } from './compliance.service.js';

/** Data-subject rights over every feature's PersonalDataHolders: export, erasure, consent coverage. */
@Module({
  imports: [PersonalDataModule, ContactsModule, PurposesModule, WebhooksModule, IdempotencyModule, SubjectRequestsModule],
  controllers: [ComplianceController],
  providers: [ComplianceService],
  exports: [ComplianceService],
})
export class ComplianceModule {}
