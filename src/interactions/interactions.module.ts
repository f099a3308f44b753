import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { InteractionsController, TimelinesController } from './interactions.controller.js';
import { InteractionsService } from './interactions.service.js';
import { RelationshipsService } from './relationships.service.js';

/** Interactions (conversations, meetings, their participants and contacts) and who-knows-whom (relationship strength). */
@Module({
  imports: [FollowUpsModule],
  controllers: [InteractionsController, TimelinesController],
  providers: [InteractionsService, RelationshipsService],
  exports: [InteractionsService],
})
export class InteractionsModule {}
