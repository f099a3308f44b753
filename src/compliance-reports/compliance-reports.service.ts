import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { stringify } from 'csv-stringify/sync';
import { isUUID } from 'class-validator';
import { ValidationFailedError } from '../common/errors/domain.error.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  consentsExpiring,
  disclosureCounts,
  processingActivities,
  subjectRequestFigures,
} from './compliance-reports.query.js';
import {
  ConsentsExpiringQueryDto,
  DisclosureReportQueryDto,
  DisclosureReportResponseDto,
  ExpiringConsentDto,
  ProcessingActivitiesResponseDto,
  SubjectRequestReportDto,
} from './dto/compliance-reports.dto.js';

/** The contract's kinds and statuses of data-subject requests: the report shows each, zeros included. */
const REQUEST_KINDS = ['access', 'rectification', 'erasure', 'restriction', 'portability', 'objection'];
const REQUEST_STATUSES = ['open', 'done', 'rejected', 'extended'];

/** The columns of the Art. 30 record as CSV, one row per purpose. */
const CSV_COLUMNS = ['purpose', 'name', 'description', 'legalBasis', 'dataCategories', 'recipients', 'retentionDays', 'controller', 'generatedAt'];

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is prefixed with an
 * apostrophe (OWASP "CSV injection"): the record is printed and opened by people, and purposes and recipient names
 * are free text.
 */
export const csvSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

function invalidCursor(): never {
  throw new ValidationFailedError('cursor is not a cursor this API issued', [{ field: 'cursor', message: 'invalid cursor' }]);
}

/** Compliance reports (contract, "Compliance"): Art. 30 record, disclosures per recipient and month, consents expiring, subject requests. */
@Injectable()
export class ComplianceReportsService {
  constructor(
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly tx: TransactionService,
  ) {}

  async processingActivities(): Promise<ProcessingActivitiesResponseDto> {
    const rows = await processingActivities(this.tx.manager);
    return {
      controller: this.config.controllerName,
      generatedAt: new Date(),
      activities: rows.map((r) => ({
        purpose: r.key,
        name: r.name,
        description: r.description,
        legalBasis: r.legal_basis,
        dataCategories: r.data_categories,
        recipients: r.recipients.map((x) => ({ id: x.id, name: x.name, kind: x.kind })),
        retentionDays: r.retention_days,
      })),
    };
  }

  /** The same record as CSV (RFC 4180, header row), one row per purpose; lists are joined with "; ". */
  processingActivitiesCsv(record: ProcessingActivitiesResponseDto): string {
    const rows = record.activities.map((a) => [
      a.purpose,
      a.name,
      a.description,
      a.legalBasis,
      a.dataCategories.join('; '),
      a.recipients.map((r) => `${r.name} (${r.kind}, ${r.id})`).join('; '),
      a.retentionDays === null ? '' : String(a.retentionDays),
      record.controller,
      record.generatedAt.toISOString(),
    ]);
    return stringify([CSV_COLUMNS, ...rows.map((row) => row.map(csvSafe))], { record_delimiter: 'windows' });
  }

  async disclosures(q: DisclosureReportQueryDto): Promise<DisclosureReportResponseDto> {
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
      throw new ValidationFailedError('from must not be after to', [{ field: 'from', message: 'from must not be after to' }]);
    }
    const rows = await disclosureCounts(this.tx.manager, q.from ?? null, q.to ?? null);
    const items = new Map<string, DisclosureReportResponseDto['items'][number]>();
    for (const r of rows) {
      const key = `${r.month} ${r.recipient_id}`;
      let item = items.get(key);
      if (!item) items.set(key, (item = { recipientId: r.recipient_id, month: r.month, disclosed: 0, withheld: {} }));
      if (r.allowed) item.disclosed += r.n;
      else item.withheld[r.reason] = (item.withheld[r.reason] ?? 0) + r.n;
    }
    return { items: [...items.values()] };
  }

  async consentsExpiring(q: ConsentsExpiringQueryDto): Promise<Page<ExpiringConsentDto>> {
    const limit = pageSize(q);
    const after = decodeCursor<[unknown, unknown]>(q.cursor, 2);
    if (after) {
      const [at, id] = after;
      if (typeof at !== 'string' || !/^-?\d{1,18}$/.test(at) || typeof id !== 'string' || !isUUID(id)) invalidCursor();
    }
    const rows = await consentsExpiring(this.tx.manager, q.withinDays ?? 30, after as [string, string] | undefined, limit + 1);
    return toPage(
      rows,
      limit,
      (r) => ({ consentId: r.id, contactId: r.contact_id, purpose: r.purpose, expiresAt: r.expires_at }),
      (r) => [r.expires_key, r.id],
    );
  }

  async subjectRequests(): Promise<SubjectRequestReportDto> {
    const f = await subjectRequestFigures(this.tx.manager);
    const all = (keys: string[], counts: Record<string, number>) => Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]));
    return {
      byKind: { ...all(REQUEST_KINDS, f.by_kind), ...f.by_kind },
      byStatus: { ...all(REQUEST_STATUSES, f.by_status), ...f.by_status },
      overdue: f.overdue,
      medianDaysToAnswer: f.median_days === null ? null : Math.round(f.median_days * 10) / 10,
    };
  }
}
