import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ComplianceController } from './compliance.controller.js';
import { ComplianceService } from './compliance.service.js';

@Module({ imports: [WebhooksModule, IdempotencyModule], controllers: [ComplianceController], providers: [ComplianceService] })
export class ComplianceModule {}
