import { Module } from '@nestjs/common';
import { PersonalDataModule } from '../common/personal-data/personal-data-holder.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { SuppressionsModule } from '../suppressions/suppressions.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AffiliationsRepository } from './affiliations.repository.js';
import { AffiliationsService } from './affiliations.service.js';
import { RejectConsentFieldsInterceptor } from './consent-fields.interceptor.js';
import { ContactImportService } from './contact-import.service.js';
import { ContactMergeService } from './contact-merge.service.js';
import { ContactsController, OrganisationContactsController } from './contacts.controller.js';
import { AffiliationsPersonalData, ContactsPersonalData } from './contacts-personal-data.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { KeyDatesController } from './key-dates.controller.js';
import { KeyDatesRepository } from './key-dates.repository.js';
import { KeyDatesService } from './key-dates.service.js';

@Module({
  imports: [WebhooksModule, OrganisationsModule, UsersModule, PersonalDataModule, SuppressionsModule],
  controllers: [ContactsController, OrganisationContactsController, KeyDatesController],
  providers: [
    ContactsService,
    ContactMergeService,
    ContactImportService,
    AffiliationsService,
    ContactsRepository,
    AffiliationsRepository,
    KeyDatesService,
    KeyDatesRepository,
    ContactsPersonalData,
    AffiliationsPersonalData,
    RejectConsentFieldsInterceptor,
  ],
  exports: [ContactsService, ContactMergeService, ContactsRepository],
})
export class ContactsModule {}
