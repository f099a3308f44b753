import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';

export interface CheckpointRow {
  id: string;
  seq: string;
  hash: string;
  signed_at: Date;
  kid: string;
  jws: string;
}

/** Advisory lock id: one instance at a time makes the scheduled checkpoint. */
const CHECKPOINT_LOCK = 7_214_002;

/** audit_checkpoints: signed heads of the audit chain (append-only). */
@Injectable()
export class CheckpointsRepository {
  constructor(private readonly tx: TransactionService) {}

  async insert(m: EntityManager, row: CheckpointRow & { created_by: string | null }): Promise<void> {
    await m.query(
      `INSERT INTO audit_checkpoints (id, seq, hash, signed_at, kid, jws, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.seq, row.hash, row.signed_at, row.kid, row.jws, row.created_by],
    );
  }

  /** Newest first; `before` is the (signed_at, id) of the last row of the previous page. */
  page(limit: number, before?: [string, string]): Promise<CheckpointRow[]> {
    const params: unknown[] = [limit];
    const cond = before ? `WHERE (signed_at, id) < ($2::timestamptz, $3::uuid)` : '';
    if (before) params.push(before[0], before[1]);
    return queryRows<CheckpointRow>(
      this.tx.manager,
      `SELECT id, seq::text AS seq, hash, signed_at, kid, jws FROM audit_checkpoints ${cond} ORDER BY signed_at DESC, id DESC LIMIT $1`,
      params,
    );
  }

  /** The checkpoint with the highest seq. */
  async latest(): Promise<CheckpointRow | undefined> {
    const [row] = await queryRows<CheckpointRow>(
      this.tx.dataSource.manager,
      `SELECT id, seq::text AS seq, hash, signed_at, kid, jws FROM audit_checkpoints ORDER BY seq DESC, signed_at DESC LIMIT 1`,
    );
    return row;
  }

  /** Takes the scheduler's lock for the transaction, or answers false when another instance holds it. */
  async tryLockScheduler(m: EntityManager): Promise<boolean> {
    const [r] = await queryRows<{ ok: boolean }>(m, 'SELECT pg_try_advisory_xact_lock($1) AS ok', [CHECKPOINT_LOCK]);
    return r.ok;
  }
}
