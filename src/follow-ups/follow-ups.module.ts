import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { UsersModule } from '../users/users.module.js';
import { CalendarFeedController, FollowUpsController } from './follow-ups.controller.js';
import { FollowUpsPersonalData } from './follow-ups-personal-data.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { FollowUpsService } from './follow-ups.service.js';

@Module({
  imports: [ContactsModule, UsersModule],
  controllers: [FollowUpsController, CalendarFeedController],
  providers: [FollowUpsService, FollowUpsRepository, FollowUpsPersonalData],
  exports: [FollowUpsService, FollowUpsRepository],
})
export class FollowUpsModule {}
