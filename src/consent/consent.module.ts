import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { InteractionsModule } from '../interactions/interactions.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ConsentExpiryScanner } from './consent-expiry.scanner.js';
import { ConsentGateQuery } from './consent-gate.query.js';
import { ConsentGateService } from './consent-gate.service.js';
import { ConsentPersonalData } from './consent-personal-data.js';
import { ConsentCheckController, ConsentsController } from './consents.controller.js';
import { ConsentsRepository } from './consents.repository.js';
import { ConsentsService } from './consents.service.js';

@Module({
  imports: [PurposesModule, RecipientsModule, WebhooksModule, ContactsModule, InteractionsModule],
  controllers: [ConsentsController, ConsentCheckController],
  providers: [ConsentsService, ConsentGateService, ConsentGateQuery, ConsentsRepository, ConsentPersonalData, ConsentExpiryScanner],
  exports: [ConsentGateService, ConsentsService, ConsentsRepository],
})
export class ConsentModule {}
