import { Module } from '@nestjs/common';
import { EngagementReportsController } from './engagement-reports.controller.js';
import { EngagementReportsService } from './engagement-reports.service.js';

@Module({ controllers: [EngagementReportsController], providers: [EngagementReportsService] })
export class EngagementReportsModule {}
