import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { CryptoKey } from 'jose';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { generateReceiptKey, importReceiptKey, type PublicJwk, RECEIPT_ALG, signReceipt } from './receipt-jws.js';

const JWKS_TTL_MS = 30_000;

/**
 * Ed25519 keys that sign disclosure receipts (compact JWS, alg EdDSA). The private key is kept in the
 * database sealed under the master key; rotation makes a new key active and keeps every old public key
 * in the JWKS, so receipts signed earlier still verify.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap {
  private active?: { kid: string; key: CryptoKey };
  private jwks?: { keys: PublicJwk[]; at: number };

  constructor(
    private readonly tx: TransactionService,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tx.run(async (m) => {
      // One starter at a time creates the first key.
      await m.query('SELECT pg_advisory_xact_lock(7214502)');
      const rows = await m.query('SELECT 1 FROM signing_keys WHERE active');
      if (rows.length === 0) await this.insertNew();
    });
  }

  private async insertNew(): Promise<string> {
    const kid = `rapport-${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
    const { publicJwk, privatePkcs8 } = await generateReceiptKey(kid);
    const sealed = this.crypto.seal(privatePkcs8);
    await this.tx.manager.query(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_sealed, active) VALUES ($1, $2, $3, $4, true)`,
      [kid, RECEIPT_ALG, JSON.stringify(publicJwk), sealed],
    );
    return kid;
  }

  /** Makes a new key active; the old ones stay published. */
  async rotate(): Promise<{ kid: string }> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(7214502)');
    const old: { kid: string }[] = await this.tx.manager.query(`UPDATE signing_keys SET active = false, retired_at = now() WHERE active RETURNING kid`);
    const kid = await this.insertNew();
    await this.audit.record({ action: 'rotate', entityType: 'signing_key', entityId: kid, before: { kids: old.map((o) => o.kid) }, after: { kid } });
    this.active = undefined;
    this.jwks = undefined;
    return { kid };
  }

  private async activeKey(): Promise<{ kid: string; key: CryptoKey }> {
    if (this.active) {
      // Another instance may have rotated: the active kid is re-read cheaply.
      const [row] = await this.tx.manager.query('SELECT kid FROM signing_keys WHERE active');
      if (row?.kid === this.active.kid) return this.active;
    }
    const [row]: { kid: string; private_key_sealed: string }[] = await this.tx.manager.query(
      'SELECT kid, private_key_sealed FROM signing_keys WHERE active',
    );
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
    if (this.jwks && Date.now() - this.jwks.at < JWKS_TTL_MS) return { keys: this.jwks.keys };
    const rows: { public_jwk: PublicJwk }[] = await this.tx.dataSource.query('SELECT public_jwk FROM signing_keys ORDER BY created_at DESC');
    this.jwks = { keys: rows.map((r) => r.public_jwk), at: Date.now() };
    return { keys: this.jwks.keys };
  }
}
