import { Module } from '@nestjs/common';
import { ComplianceReportsController } from './compliance-reports.controller.js';
import { ComplianceReportsService } from './compliance-reports.service.js';

/** Compliance reports (Art. 30 record, disclosures, consents expiring, subject requests): read-only, no table of its own. */
@Module({ controllers: [ComplianceReportsController], providers: [ComplianceReportsService] })
export class ComplianceReportsModule {}
