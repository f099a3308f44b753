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
import { LegalBasesController } from './legal-bases.controller.js';
import { LegalBasesPersonalData } from './legal-bases-personal-data.js';
import { LegalBasesRepository } from './legal-bases.repository.js';
import { LegalBasesService } from './legal-bases.service.js';

@Module({
  imports: [PurposesModule, RecipientsModule, WebhooksModule, ContactsModule, InteractionsModule],
  controllers: [ConsentsController, ConsentCheckController, LegalBasesController],
  providers: [ConsentsService, ConsentGateService, ConsentGateQuery, ConsentsRepository, ConsentPersonalData, ConsentExpiryScanner, LegalBasesService, LegalBasesRepository, LegalBasesPersonalData],
  exports: [ConsentGateService, ConsentsService, ConsentsRepository],
})
export class ConsentModule {}
