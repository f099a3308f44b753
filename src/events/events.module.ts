import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { EventAttendeesPersonalData } from './event-attendees-personal-data.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

@Module({
  imports: [ContactsModule, OrganisationsModule, UsersModule],
  controllers: [EventsController],
  providers: [EventsService, EventsRepository, EventAttendeesPersonalData],
  exports: [EventsService, EventsRepository],
})
export class EventsModule {}
