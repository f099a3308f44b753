import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { isUUID } from 'class-validator';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, ValidationFailedError } from '../common/errors/domain.error.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { ComplianceService } from '../compliance/compliance.service.js';
import { appConfig } from '../config/app.config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { RetentionDueItemDto, RetentionDueQueryDto, RetentionRunResponseDto } from './dto/retention.dto.js';
import { RetentionClock } from './retention-clock.js';
import { DAY_MS, retentionDecision } from './retention-rule.js';
import { RetentionRunsRepository, RetentionTrigger } from './retention-runs.repository.js';
import { DueRow, dueForErasure, retentionFactsOf } from './retention.query.js';

/** How many due contacts a run reads at a time. */
const RUN_BATCH = 200;

function pageKey(cursor: string | undefined): [string, string] | undefined {
  const after = decodeCursor<[unknown, unknown]>(cursor, 2);
  if (!after) return undefined;
  const [due, id] = after;
  if (typeof due !== 'string' || !/^-?\d{1,18}$/.test(due) || typeof id !== 'string' || !isUUID(id)) {
    throw new ValidationFailedError('cursor is not a cursor this API issued', [{ field: 'cursor', message: 'invalid cursor' }]);
  }
  return [due, id];
}

const toItem = (r: DueRow): RetentionDueItemDto => ({ contactId: r.contact_id, reason: r.reason, dueSince: r.due_since });

/**
 * Retention that acts (contract, "Compliance"): who is due for erasure under the rule (retention-rule.ts, as SQL in
 * retention.query.ts), and runs that erase them through the compliance erasure — the same erasure as
 * POST /contacts/:id/erase (every holder, recipients notified), audited with the retention reason.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly tx: TransactionService,
    private readonly runs: RetentionRunsRepository,
    private readonly contacts: ContactsRepository,
    private readonly compliance: ComplianceService,
    private readonly audit: AuditService,
    private readonly clock: RetentionClock,
  ) {}

  get daysNoBasis(): number {
    return this.config.retentionDaysNoBasis;
  }

  /** The contacts due for erasure now, longest due first. */
  async due(q: RetentionDueQueryDto): Promise<Page<RetentionDueItemDto>> {
    const limit = pageSize(q);
    const rows = await dueForErasure(this.tx.manager, {
      now: this.clock.now(),
      days: this.daysNoBasis,
      after: pageKey(q.cursor),
      limit: limit + 1,
    });
    return toPage(rows, limit, toItem, (r) => [r.due_key, r.contact_id]);
  }

  /** POST /retention/run: erases every contact due now; a 409 while another run (e.g. the daily job) is going. */
  async runNow(): Promise<RetentionRunResponseDto> {
    const now = this.clock.now();
    const result = await this.runs.withRunLock(() => this.runLocked('manual', now));
    if (!result.ran) throw new ConflictError('RETENTION_RUN_IN_PROGRESS', 'A retention run is in progress; try again when it has finished');
    return result.value;
  }

  /**
   * The daily job's round: under the run lock, and only when the latest job run is at least a day old (as of
   * `now`), so that with several instances one runs a day. Answers null when it did not run.
   */
  async runDaily(now: Date = this.clock.now()): Promise<RetentionRunResponseDto | null> {
    const result = await this.runs.withRunLock(async () => {
      const last = await this.runs.latestAsOf(this.tx.manager, 'job');
      if (last && now.getTime() - last.getTime() < DAY_MS) return null;
      return this.runLocked('job', now);
    });
    return result.ran ? result.value : null;
  }

  /** One run, with the run lock held: each due contact is decided again and erased in a transaction of its own. */
  private async runLocked(trigger: RetentionTrigger, now: Date): Promise<RetentionRunResponseDto> {
    const runId = await this.tx.run((m) => this.runs.start(m, trigger, now));
    let erased = 0;
    let failed = 0;
    let after: [string, string] | undefined;
    for (;;) {
      const batch = await dueForErasure(this.tx.manager, { now, days: this.daysNoBasis, after, limit: RUN_BATCH });
      for (const row of batch) {
        try {
          if (await this.eraseIfDue(row.contact_id, now)) erased++;
        } catch (err) {
          failed++;
          this.logger.warn(`retention: contact ${row.contact_id} not erased: ${(err as Error).message}`);
        }
      }
      if (batch.length < RUN_BATCH) break;
      const last = batch[batch.length - 1];
      after = [last.due_key, last.contact_id];
    }
    await this.tx.run(async (m) => {
      await this.runs.finish(m, runId, erased);
      await this.audit.record({
        action: 'retention_run',
        entityType: 'retention_run',
        entityId: runId,
        after: { trigger, asOf: now, daysNoBasis: this.daysNoBasis, erased, failed },
      });
    });
    return { erased };
  }

  /**
   * Under the contact's row lock, the pure rule decides again on what is committed now (a consent recorded since
   * the list was read keeps the person); then the compliance erasure, with the reason in its audit event.
   */
  private eraseIfDue(contactId: string, now: Date): Promise<boolean> {
    return this.tx.run(async (m) => {
      if (!(await this.contacts.findRaw(m, contactId, true))) return false;
      const facts = await retentionFactsOf(m, contactId);
      const decision = facts && retentionDecision(facts, { now, daysNoBasis: this.daysNoBasis });
      if (!decision?.due) return false;
      await this.compliance.erase(contactId, {
        reason: `retention: ${decision.reason}, due since ${decision.dueSince.toISOString()}`,
      });
      return true;
    });
  }
}
