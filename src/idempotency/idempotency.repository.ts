import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows, rowsOf } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';

/** A remembered key, as `claim` reads it back. */
export interface IdempotencyKeyRow {
  request_hash: string;
  status: string;
  response_status: number;
  response_headers: Record<string, string>;
  response_body: unknown;
}

/**
 * The `idempotency_keys` table (stored answers of POSTs with an `Idempotency-Key`); the only place that issues SQL
 * against it. Hand-written SQL: the claim is one conditional upsert, which a TypeORM entity would not express.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly tx: TransactionService) {}

  /**
   * Claims the key in its own statement on the pool (outside the request's transaction): inserts it as running, or
   * takes over a key older than `retentionHours`, or a running one whose lease ran out for the same request.
   * True when claimed.
   */
  async claim(
    scope: string,
    key: string,
    fingerprint: string,
    leaseSeconds: number,
    retentionHours: number,
  ): Promise<boolean> {
    const inserted = rowsOf<unknown>(
      await this.tx.dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until)
       VALUES ($1, $2, $3, 'running', now() + make_interval(secs => $4))
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'running', response_status = NULL,
             response_headers = NULL, response_body = NULL, locked_until = EXCLUDED.locked_until, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(hours => $5)
            OR (idempotency_keys.status = 'running' AND idempotency_keys.locked_until < now()
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
        [scope, key, fingerprint, leaseSeconds, retentionHours],
      ),
    );
    return inserted.length > 0;
  }

  /** The remembered key (on the pool), if any. */
  async find(scope: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    const [row] = rowsOf<IdempotencyKeyRow>(
      await this.tx.dataSource.query(
        `SELECT request_hash, status, response_status, response_headers, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      ),
    );
    return row;
  }

  /** Stores the answer (already serialised: headers and body as JSON text) in the business transaction. */
  async complete(
    m: EntityManager,
    scope: string,
    key: string,
    status: number,
    headersJson: string,
    bodyJson: string,
  ): Promise<void> {
    await m.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_headers = $4, response_body = $5
       WHERE scope = $1 AND key = $2`,
      [scope, key, status, headersJson, bodyJson],
    );
  }

  /** Forgets a claim still running (the request failed), on the pool. */
  async releaseRunning(scope: string, key: string): Promise<void> {
    await this.tx.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'running'`,
      [scope, key],
    );
  }

  /** Every stored answer (sealed), for erasure to look into. */
  completedAnswers(m: EntityManager): Promise<{ scope: string; key: string; response_body: unknown }[]> {
    return queryRows(
      m,
      `SELECT scope, key, response_body FROM idempotency_keys WHERE status = 'completed' AND response_body IS NOT NULL`,
    );
  }

  async delete(m: EntityManager, scope: string, key: string): Promise<void> {
    await m.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
  }
}
