import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain.error.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { TransactionService } from '../database/transaction.service.js';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/** A claimed key whose request died without finishing may be taken over after this. */
const LEASE_SECONDS = 120;
/** Keys are remembered this long; afterwards the same key starts afresh. */
const RETENTION_HOURS = 24;

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
    .digest('hex');

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the first request claims the key in its
 * own short transaction, so a concurrent duplicate sees it at once (409) instead of running twice; the
 * stored answer is written in the business transaction, so it exists exactly when the change does.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly tx: TransactionService,
    private readonly crypto: CryptoService,
  ) {}

  /** Stored answers are sealed: they may hold secrets shown once (API keys, webhook secrets) and personal data. */
  private seal(body: unknown): { sealed: string } {
    return { sealed: this.crypto.seal(JSON.stringify(body ?? null)) };
  }

  private open(stored: unknown): unknown {
    const sealed = stored && typeof stored === 'object' ? (stored as { sealed?: unknown }).sealed : undefined;
    return typeof sealed === 'string' ? JSON.parse(this.crypto.unseal(sealed)) : stored;
  }

  /**
   * Erasure: stored answers that mention the contact are dropped, so a replay cannot hand out its data.
   * Answers are sealed, so each remembered answer is opened to look (a rare operation over at most a day's keys).
   */
  async forgetAnswersAbout(manager: EntityManager, contactId: string): Promise<number> {
    const rows: { scope: string; key: string; response_body: unknown }[] = await manager.query(
      `SELECT scope, key, response_body FROM idempotency_keys WHERE status = 'completed' AND response_body IS NOT NULL`,
    );
    const doomed = rows.filter((r) => JSON.stringify(this.open(r.response_body)).includes(contactId));
    for (const r of doomed) await manager.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [r.scope, r.key]);
    return doomed.length;
  }

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const ds = this.tx.dataSource;
    const inserted: unknown[] = await ds.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until)
       VALUES ($1, $2, $3, 'running', now() + make_interval(secs => $4))
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = 'running', response_status = NULL,
             response_headers = NULL, response_body = NULL, locked_until = EXCLUDED.locked_until, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(hours => $5)
            OR (idempotency_keys.status = 'running' AND idempotency_keys.locked_until < now()
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [scope, key, fingerprint, LEASE_SECONDS, RETENTION_HOURS],
    );
    if (inserted.length > 0) return { kind: 'claimed' };
    const rows: { request_hash: string; status: string; response_status: number; response_headers: Record<string, string>; response_body: unknown }[] =
      await ds.query(
        `SELECT request_hash, status, response_status, response_headers, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
    const row = rows[0];
    if (!row) return this.claim(scope, key, fingerprint);
    if (row.request_hash !== fingerprint) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request', 422);
    }
    if (row.status === 'running') {
      throw new DomainError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry later', 409, undefined, undefined, {
        'Retry-After': '1',
      });
    }
    return { kind: 'replay', response: { status: row.response_status, headers: row.response_headers ?? {}, body: this.open(row.response_body) } };
  }

  async complete(manager: EntityManager, scope: string, key: string, response: StoredResponse): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_headers = $4, response_body = $5
       WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.headers), JSON.stringify(this.seal(response.body))],
    );
  }

  /** The request failed: forget the claim so the client may retry with the same key. */
  async release(scope: string, key: string): Promise<void> {
    await this.tx.dataSource.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'running'`, [scope, key]);
  }
}
