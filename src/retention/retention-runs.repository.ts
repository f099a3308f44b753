import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';

/** One retention run at a time across all instances: a session-level advisory lock held for the whole run. */
const RETENTION_RUN_LOCK = 7_214_601;

export type RetentionTrigger = 'manual' | 'job';

/** retention_runs: when the rule was run, by what trigger, how many contacts it erased. */
@Injectable()
export class RetentionRunsRepository {
  constructor(private readonly tx: TransactionService) {}

  /**
   * Runs `fn` while holding the retention lock on a connection of its own (the erasures run in their own
   * transactions meanwhile), or answers `{ ran: false }` at once when another run holds it. The lock goes with
   * the connection if the process dies.
   */
  async withRunLock<T>(fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const runner = this.tx.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [r] = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [RETENTION_RUN_LOCK])) as { ok: boolean }[];
      if (!r.ok) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_RUN_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The time (as of the clock it ran with) of the latest run of this trigger. */
  async latestAsOf(m: EntityManager, trigger: RetentionTrigger): Promise<Date | null> {
    const [r] = await queryRows<{ as_of: Date | null }>(
      m,
      `SELECT max(as_of) AS as_of FROM retention_runs WHERE trigger = $1`,
      [trigger],
    );
    return r.as_of;
  }

  async start(m: EntityManager, trigger: RetentionTrigger, asOf: Date): Promise<string> {
    const [r] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO retention_runs (trigger, as_of) VALUES ($1, $2) RETURNING id`,
      [trigger, asOf],
    );
    return r.id;
  }

  async finish(m: EntityManager, id: string, erased: number): Promise<void> {
    await m.query(`UPDATE retention_runs SET finished_at = now(), erased = $2 WHERE id = $1`, [id, erased]);
  }
}
