import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** An answer stored under an Idempotency-Key, replayed for the same key and request. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
    .digest('hex');

/**
 * What the request pipeline needs of `Idempotency-Key` handling. Declared here so that common/ depends on no
 * feature: the idempotency feature provides it (`{ provide: IdempotencyStore, useExisting: IdempotencyService }`).
 */
export abstract class IdempotencyStore {
  /** Claims the key in its own short transaction, or answers the stored response to replay (409 while in flight). */
  abstract claim(scope: string, key: string, fingerprint: string): Promise<Claim>;
  /** Stores the answer in the business transaction. */
  abstract complete(m: EntityManager, scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Gives the key up after a failed request. */
  abstract release(scope: string, key: string): Promise<void>;
}
