import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Claim, IdempotencyStore, StoredResponse } from '../common/context/idempotency-store.js';
import { DomainError } from '../common/errors/domain.error.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** A claimed key whose request died without finishing may be taken over after this. */
const LEASE_SECONDS = 120;
/** Keys are remembered this long; afterwards the same key starts afresh. */
const RETENTION_HOURS = 24;

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): the first request claims the key in its
 * own short transaction, so a concurrent duplicate sees it at once (409) instead of running twice; the
 * stored answer is written in the business transaction, so it exists exactly when the change does.
 */
@Injectable()
export class IdempotencyService implements IdempotencyStore {
  constructor(
    private readonly keys: IdempotencyRepository,
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
    const rows = await this.keys.completedAnswers(manager);
    const doomed = rows.filter((r) => JSON.stringify(this.open(r.response_body)).includes(contactId));
    for (const r of doomed) await this.keys.delete(manager, r.scope, r.key);
    return doomed.length;
  }

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    if (await this.keys.claim(scope, key, fingerprint, LEASE_SECONDS, RETENTION_HOURS)) return { kind: 'claimed' };
    const row = await this.keys.find(scope, key);
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
    await this.keys.complete(manager, scope, key, response.status, JSON.stringify(response.headers), JSON.stringify(this.seal(response.body)));
  }

  /** The request failed: forget the claim so the client may retry with the same key. */
  async release(scope: string, key: string): Promise<void> {
    await this.keys.releaseRunning(scope, key);
  }
}
