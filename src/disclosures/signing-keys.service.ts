import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { CryptoKey } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { LRUCache } from 'lru-cache';
import { TransactionService } from '../database/transaction.service.js';
import { generateReceiptKey, importReceiptKey, type PublicJwk, RECEIPT_ALG, signReceipt } from './receipt-jws.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

const JWKS_TTL_MS = 30_000;

/**
 * Ed25519 keys that sign disclosure receipts (compact JWS, alg EdDSA). The private key is kept in the
 * database sealed under the master key; rotation makes a new key active and keeps every old public key
 * in the JWKS, so receipts signed earlier still verify.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private active?: { kid: string; key: CryptoKey };
  private readonly jwks = new LRUCache<'jwks', PublicJwk[]>({ max: 1, ttl: JWKS_TTL_MS });

  constructor(
    private readonly tx: TransactionService,
    private readonly keys: SigningKeysRepository,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tx.run(async (m) => {
      // One starter at a time creates the first key.
      await this.keys.lock(m);
      if (!(await this.keys.hasActive(m))) await this.insertNew();
    });
  }

  private async insertNew(): Promise<string> {
    const kid = `rapport-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
    const { publicJwk, privatePkcs8 } = await generateReceiptKey(kid);
    const sealed = this.crypto.seal(privatePkcs8);
    await this.keys.insertActive(kid, RECEIPT_ALG, publicJwk, sealed);
    return kid;
  }

  /** Makes a new key active; the old ones stay published. */
  async rotate(): Promise<{ kid: string }> {
    await this.keys.lock();
    const old = await this.keys.retireActive();
    const kid = await this.insertNew();
    await this.audit.record({ action: 'rotate', entityType: 'signing_key', entityId: kid, before: { kids: old }, after: { kid } });
    this.active = undefined;
    this.jwks.clear();
    return { kid };
  }

  private async activeKey(): Promise<{ kid: string; key: CryptoKey }> {
    if (this.active) {
      // Another instance may have rotated: the active kid is re-read cheaply.
      if ((await this.keys.activeKid()) === this.active.kid) return this.active;
    }
    const row = await this.keys.active();
    if (!row) throw new Error('no active signing key');
    this.active = { kid: row.kid, key: await importReceiptKey(this.crypto.unseal(row.private_key_sealed)) };
    return this.active;
  }

  /** Compact JWS (RFC 7515) with EdDSA over the JSON payload. */
  async signCompact(payload: unknown, typ = 'rapport-disclosure-receipt+jws'): Promise<{ jws: string; kid: string }> {
    const { kid, key } = await this.activeKey();
    return { jws: await signReceipt(payload, kid, typ, key), kid };
  }

  /** Every key ever used, newest first (cached briefly). */
  async publicKeys(): Promise<{ keys: PublicJwk[] }> {
    const hit = this.jwks.get('jwks');
    if (hit) return { keys: hit };
    const keys = await this.keys.publicKeys();
    this.jwks.set('jwks', keys);
    return { keys };
  }
}
