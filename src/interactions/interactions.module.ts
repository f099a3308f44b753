import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { FollowUpsModule } from '../follow-ups/index.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { InteractionsController, TimelinesController } from './interactions.controller.js';
import { InteractionsPersonalData } from './interactions-personal-data.js';
import { InteractionsRepository } from './interactions.repository.js';
import { InteractionsService } from './interactions.service.js';
import { RelationshipsService } from './relationships.service.js';

/** Interactions (conversations, meetings, their participants and contacts) and who-knows-whom (relationship strength). */
@Module({
  imports: [FollowUpsModule, ContactsModule, OrganisationsModule, UsersModule],
  controllers: [InteractionsController, TimelinesController],
  providers: [InteractionsService, RelationshipsService, InteractionsRepository, InteractionsPersonalData],
  exports: [InteractionsService, InteractionsRepository],
})
export class InteractionsModule {}
