import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AffiliationsService } from './affiliations.service.js';
import { RejectConsentFieldsInterceptor } from './consent-fields.interceptor.js';
import { ContactImportService } from './contact-import.service.js';
import { ContactMergeService } from './contact-merge.service.js';
import { ContactsController, OrganisationContactsController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';

@Module({
  imports: [WebhooksModule],
  controllers: [ContactsController, OrganisationContactsController],
  providers: [
    ContactsService,
    ContactMergeService,
    ContactImportService,
    AffiliationsService,
    RejectConsentFieldsInterceptor,
  ],
  exports: [ContactsService, ContactMergeService],
})
export class ContactsModule {}
