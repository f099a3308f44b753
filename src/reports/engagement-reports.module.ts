import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { EngagementReportsController } from './engagement-reports.controller.js';
import { EngagementReportsService } from './engagement-reports.service.js';

@Module({ imports: [EventsModule], controllers: [EngagementReportsController], providers: [EngagementReportsService] })
export class EngagementReportsModule {}
