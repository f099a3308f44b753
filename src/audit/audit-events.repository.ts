import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SqlWhere } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';

export interface AuditRow {
  id: string;
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  contact_id: string | null;
  request_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/** Columns in the order `insert` takes them. */
const INSERT_COLUMNS = [
  'id', 'seq', 'occurred_at', 'actor_type', 'actor_id', 'action', 'entity_type', 'entity_id', 'contact_id',
  'request_id', 'before', 'after', 'prev_hash', 'hash',
] as const;

/** One advisory lock serialises appends, so the chain stays linear under concurrent writers. */
const AUDIT_CHAIN_LOCK = 7_214_001;

export interface AuditFilter {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  contactId?: string;
  from?: Date;
  to?: Date;
  /** Only events before this sequence number (the cursor of a newest-first page). */
  beforeSeq?: string;
}

/** The audit_events table: the hash-chained trail (append-only; the table's trigger refuses changes). */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly tx: TransactionService) {}

  /** Takes the chain lock (held until the transaction ends) and answers the chain's last link. */
  async lockChainHead(m: EntityManager): Promise<{ seq: bigint; hash: string } | null> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const last: { seq: string; hash: string }[] = await m.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
    return last.length ? { seq: BigInt(last[0].seq), hash: last[0].hash } : null;
  }

  /** Inserts rows already in stored form (before/after as JSON text or null). */
  async insert(m: EntityManager, rows: (Omit<AuditRow, 'before' | 'after'> & { before: string | null; after: string | null })[]): Promise<void> {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      const b = values.length;
      tuples.push(`(${INSERT_COLUMNS.map((_, k) => `$${b + k + 1}`).join(',')})`);
      values.push(...INSERT_COLUMNS.map((c) => row[c]));
    }
    await m.query(`INSERT INTO audit_events (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`, values);
  }

  /** The chain's last link without taking the lock (null while the trail is empty). */
  async head(): Promise<{ seq: bigint; hash: string } | null> {
    const [last] = await this.tx.dataSource.manager.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    return last ? { seq: BigInt(last.seq), hash: last.hash } : null;
  }

  /** The hash of the event at `seq`, or undefined when there is none. */
  async hashAt(seq: bigint): Promise<string | undefined> {
    const [row] = await this.tx.dataSource.manager.query<{ hash: string }[]>('SELECT hash FROM audit_events WHERE seq = $1', [
      seq.toString(),
    ]);
    return row?.hash;
  }

  /** A batch of the chain in order, after `afterSeq`. */
  chainAfter(afterSeq: bigint, limit: number): Promise<AuditRow[]> {
    return this.tx.dataSource.manager.query(
      `SELECT ${INSERT_COLUMNS.join(', ')} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT ${Number(limit)}`,
      [afterSeq.toString()],
    );
  }

  /** Newest first, `limit` rows (the caller asks for one more than a page to know whether another follows). */
  list(f: AuditFilter, limit: number): Promise<AuditRow[]> {
    const w = new SqlWhere();
    if (f.action) w.add(`action = ${w.param(f.action)}`);
    if (f.entityType) w.add(`entity_type = ${w.param(f.entityType)}`);
    if (f.entityId) w.add(`entity_id = ${w.param(f.entityId)}`);
    if (f.actorId) w.add(`actor_id = ${w.param(f.actorId)}`);
    if (f.contactId) w.add(`contact_id = ${w.param(f.contactId)}`);
    if (f.from) w.add(`occurred_at >= ${w.param(f.from)}`);
    if (f.to) w.add(`occurred_at < ${w.param(f.to)}`);
    if (f.beforeSeq) w.add(`seq < ${w.param(f.beforeSeq)}`);
    return this.tx.manager.query(`SELECT * FROM audit_events ${w.sql} ORDER BY seq DESC LIMIT ${w.param(limit)}`, w.params);
  }
}
