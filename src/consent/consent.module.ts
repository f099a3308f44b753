import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ConsentGateService } from './consent-gate.service.js';
import { ConsentCheckController, ConsentsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';

@Module({
  imports: [PurposesModule, RecipientsModule, WebhooksModule],
  controllers: [ConsentsController, ConsentCheckController],
  providers: [ConsentsService, ConsentGateService],
  exports: [ConsentGateService, ConsentsService],
})
export class ConsentModule {}
