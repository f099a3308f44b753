import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { RecipientsController } from './recipients.controller.js';
import { RecipientsRepository } from './recipients.repository.js';
import { RecipientsService } from './recipients.service.js';

@Module({
  imports: [OrganisationsModule],
  controllers: [RecipientsController],
  providers: [RecipientsService, RecipientsRepository],
  exports: [RecipientsService, RecipientsRepository],
})
export class RecipientsModule {}
