import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsPersonalData } from './connections-personal-data.js';
import { ConnectionsRepository } from './connections.repository.js';
import { ConnectionsService } from './connections.service.js';

@Module({
  imports: [ContactsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionsRepository, ConnectionsPersonalData],
})
export class ConnectionsModule {}
