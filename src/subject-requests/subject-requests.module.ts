import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { SubjectRequestsController } from './subject-requests.controller.js';
import { SubjectRequestsPersonalData } from './subject-requests-personal-data.js';
import { SubjectRequestsRepository } from './subject-requests.repository.js';
import { SubjectRequestsService } from './subject-requests.service.js';

/** Data-subject requests: the register, its deadlines, and the link from export and erasure to the request. */
@Module({
  imports: [ContactsModule],
  controllers: [SubjectRequestsController],
  providers: [SubjectRequestsService, SubjectRequestsRepository, SubjectRequestsPersonalData],
  exports: [SubjectRequestsService, SubjectRequestsRepository],
})
export class SubjectRequestsModule {}
