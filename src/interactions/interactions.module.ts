import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { FollowUpsModule } from '../follow-ups/follow-ups.module.js';
import { NetworksModule } from '../networks/networks.module.js';
import { EngagementReportsModule } from '../reports/engagement-reports.module.js';
import { InteractionsController, TimelinesController } from './interactions.controller.js';
import { InteractionsService } from './interactions.service.js';
import { RelationshipsService } from './relationships.service.js';

/**
 * Issue 4: interactions and who-knows-whom. The sibling modules of the same feature (events, follow-ups,
 * networks and governance, engagement reports) are imported here, so app.module.ts needs no edit.
 */
@Module({
  imports: [FollowUpsModule, EventsModule, NetworksModule, EngagementReportsModule],
  controllers: [InteractionsController, TimelinesController],
  providers: [InteractionsService, RelationshipsService],
  exports: [InteractionsService],
})
export class InteractionsModule {}
