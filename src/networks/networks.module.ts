import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { NetworksController } from './networks.controller.js';
import { NetworksRepository } from './networks.repository.js';
import { NetworksService } from './networks.service.js';
import { NetworkMembershipsPersonalData } from './networks-personal-data.js';

@Module({
  imports: [OrganisationsModule, UsersModule, ContactsModule],
  controllers: [NetworksController],
  providers: [NetworksService, NetworksRepository, NetworkMembershipsPersonalData],
  exports: [NetworksRepository],
})
export class NetworksModule {}
