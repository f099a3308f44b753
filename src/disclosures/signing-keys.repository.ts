import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import type { PublicJwk } from './receipt-jws.js';

/** Serialises the creation and rotation of signing keys across instances (transaction-scoped advisory lock). */
const SIGNING_KEYS_LOCK = 7214502;

/** The signing_keys table: the Ed25519 keys of the disclosure receipts (private keys sealed). */
@Injectable()
export class SigningKeysRepository {
  constructor(private readonly tx: TransactionService) {}

  async lock(m: EntityManager = this.tx.manager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(${SIGNING_KEYS_LOCK})`);
  }

  async hasActive(m: EntityManager): Promise<boolean> {
    return (await queryRows<unknown>(m, 'SELECT 1 FROM signing_keys WHERE active')).length > 0;
  }

  async insertActive(kid: string, alg: string, publicJwk: PublicJwk, privateKeySealed: string): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_sealed, active) VALUES ($1, $2, $3, $4, true)`,
      [kid, alg, JSON.stringify(publicJwk), privateKeySealed],
    );
  }

  /** Retires the active key(s); returns their kids. */
  async retireActive(): Promise<string[]> {
    const rows = await queryRows<{ kid: string }>(this.tx.manager, `UPDATE signing_keys SET active = false, retired_at = now() WHERE active RETURNING kid`);
    return rows.map((r) => r.kid);
  }

  async activeKid(): Promise<string | undefined> {
    const [row] = await queryRows<{ kid: string }>(this.tx.manager, 'SELECT kid FROM signing_keys WHERE active');
    return row?.kid;
  }

  async active(): Promise<{ kid: string; private_key_sealed: string } | undefined> {
    const [row] = await queryRows<{ kid: string; private_key_sealed: string }>(this.tx.manager, 'SELECT kid, private_key_sealed FROM signing_keys WHERE active');
    return row;
  }

  /** Every key ever used, newest first (from the pool, outside any transaction). */
  async publicKeys(): Promise<PublicJwk[]> {
    const rows: { public_jwk: PublicJwk }[] = await this.tx.dataSource.query('SELECT public_jwk FROM signing_keys ORDER BY created_at DESC');
    return rows.map((r) => r.public_jwk);
  }
}
