import { Module } from '@nestjs/common';
import { CalendarFeedController, FollowUpsController } from './follow-ups.controller.js';
import { FollowUpsService } from './follow-ups.service.js';

@Module({ controllers: [FollowUpsController, CalendarFeedController], providers: [FollowUpsService], exports: [FollowUpsService] })
export class FollowUpsModule {}
