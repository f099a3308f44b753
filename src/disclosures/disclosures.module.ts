import { Module } from '@nestjs/common';
import { ConsentModule } from '../consent/consent.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { PurposesModule } from '../purposes/purposes.module.js';
import { RecipientsModule } from '../recipients/recipients.module.js';
import { DisclosedRecipients } from '../webhooks/recipient-notifier.service.js';
import { DisclosuresController, JwksController, SigningKeysController } from './disclosures.controller.js';
import { DisclosuresRepository } from './disclosures.repository.js';
import { DisclosuresService } from './disclosures.service.js';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

@Module({
  imports: [ConsentModule, ContactsModule, PurposesModule, RecipientsModule],
  controllers: [DisclosuresController, SigningKeysController, JwksController],
  providers: [
    DisclosuresService,
    DisclosuresRepository,
    SigningKeysService,
    SigningKeysRepository,
    // The webhooks notifier finds who was disclosed a contact's data through this binding (see DisclosedRecipients).
    { provide: DisclosedRecipients, useExisting: DisclosuresRepository },
  ],
  exports: [SigningKeysService, DisclosuresRepository],
})
export class DisclosuresModule {}
