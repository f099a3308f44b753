import { Module } from '@nestjs/common';
import { RecipientNotifier } from './recipient-notifier.service.js';
import { WebhookDeliveriesController } from './webhook-deliveries.controller.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookWorker } from './webhook-worker.service.js';

/** GDPR Art. 19: the recipient notifier (global), the delivery worker and the deliveries endpoints. */
@Module({
  controllers: [WebhookDeliveriesController],
  providers: [RecipientNotifier, WebhookWorker, WebhookDeliveriesService],
  exports: [RecipientNotifier],
})
export class WebhooksModule {}
