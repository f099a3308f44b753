import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { NetworksController } from './networks.controller.js';
import { NetworksRepository } from './networks.repository.js';
import { NetworksService } from './networks.service.js';

@Module({
  imports: [OrganisationsModule, UsersModule],
  controllers: [NetworksController],
  providers: [NetworksService, NetworksRepository],
  exports: [NetworksRepository],
})
export class NetworksModule {}
