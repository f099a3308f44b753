import { Module } from '@nestjs/common';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { RecipientNotifier } from './recipient-notifier.service.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookWorker } from './webhook-worker.service.js';

/**
 * GDPR Art. 19: the recipient notifier, the delivery worker (lease/send/retry; other features register periodic
 * scans with it, such as consent's expiry scan) and the deliveries endpoints.
 */
@Module({
  imports: [RecipientsModule],
  controllers: [WebhookDeliveriesController],
  providers: [RecipientNotifier, WebhookWorker, WebhookDeliveriesService, WebhookDeliveriesRepository],
  exports: [RecipientNotifier, WebhookWorker],
})
export class WebhooksModule {}
