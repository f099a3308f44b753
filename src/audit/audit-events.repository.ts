import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { EntityManager } from 'typeorm';
import { isoFromPgUtc } from './pg-timestamp.js';
import { preparedRows } from '../database/prepared.js';
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
  /** The other contacts the event is about (null when none); see AuditInput.subjects. */
  subject_contact_ids: string[] | null;
  request_id: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/** A link as `chain` reads it: `occurred_at` may already be the ISO text the hash covers. */
export type ChainRow = Omit<AuditRow, 'occurred_at'> & { occurred_at: Date | string };

/** The columns of a chain link (what the hash covers, and the link itself). */
const CHAIN_COLUMNS = [
  'id', 'seq', 'occurred_at', 'actor_type', 'actor_id', 'action', 'entity_type', 'entity_id', 'contact_id',
  'subject_contact_ids', 'request_id', 'before', 'after', 'prev_hash', 'hash',
] as const;

/** What a request writes: the event without its place in the chain (the sealer adds seq, prev_hash, hash). */
const INSERT_COLUMNS = [
  'id', 'occurred_at', 'actor_type', 'actor_id', 'action', 'entity_type', 'entity_id', 'contact_id',
  'subject_contact_ids', 'request_id', 'before', 'after',
] as const;

/** The type of each inserted column, for values bound in an INSERT … SELECT (no VALUES list to infer them from). */
const INSERT_CASTS: Record<(typeof INSERT_COLUMNS)[number], string> = {
  id: 'uuid', occurred_at: 'timestamptz', actor_type: 'text', actor_id: 'text', action: 'text', entity_type: 'text',
  entity_id: 'text', contact_id: 'uuid', subject_contact_ids: 'uuid[]', request_id: 'text', before: 'jsonb', after: 'jsonb',
};

export type UnsealedAuditRow = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash' | 'before' | 'after'> & {
  before: string | null;
  after: string | null;
};

/** One sealer at a time, across all instances: a transaction-level advisory lock. */
const AUDIT_SEAL_LOCK = 7_214_001;

const TIMESTAMPTZ_OID = 1184;
/**
 * pg's parsers, but timestamptz in UTC becomes the ISO text the hash covers directly (no Date per event); any
 * other form is parsed as usual.
 */
const CHAIN_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    const parse = pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
    return oid === TIMESTAMPTZ_OID ? (text: string) => isoFromPgUtc(text) ?? parse(text) : parse;
  },
};
type ChainQuery = (cfg: pg.QueryConfig & { types: typeof CHAIN_TYPES }) => Promise<{ rows: ChainRow[] }>;

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

  /** Inserts events as a request writes them, unsealed (before/after already as JSON text or null). No lock. */
  async insert(m: EntityManager, rows: UnsealedAuditRow[]): Promise<void> {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows) {
      const b = values.length;
      tuples.push(`(${INSERT_COLUMNS.map((_, k) => `$${b + k + 1}`).join(',')})`);
      values.push(...INSERT_COLUMNS.map((c) => row[c]));
    }
    await m.query(`INSERT INTO audit_events (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`, values);
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): inserts the event, unsealed, once
   * per row of `from` (none when the change it records was not written).
   */
  insertPart(row: UnsealedAuditRow, bind: (value: unknown, cast?: string) => string, from: string): string {
    return this.insertRowsPart([{ row, from }], bind);
  }

  /**
   * `insertPart` for several events of one composed write, each stored once per row of its own `from`, in one INSERT:
   * the events are written in the order given (`written_seq`, the order the sealer links them in). `afterMerge`, a
   * jsonb object over `from`, is merged into `after` (values only the statement itself knows).
   */
  insertRowsPart(
    events: readonly { row: UnsealedAuditRow; from: string; afterMerge?: string }[],
    bind: (value: unknown, cast?: string) => string,
  ): string {
    const selects = events.map(({ row, from, afterMerge }) => {
      const values = INSERT_COLUMNS.map((c) => {
        const value = bind(row[c], INSERT_CASTS[c]);
        return c === 'after' && afterMerge ? `(${value} || ${afterMerge})` : value;
      });
      return `SELECT ${values.join(', ')} FROM ${from}`;
    });
    return `INSERT INTO audit_events (${INSERT_COLUMNS.join(', ')}) ${selects.join(' UNION ALL ')}`;
  }

  /**
   * `insert` for thousands of events (the contact import): one array per column through `unnest`, so the statement
   * has twelve parameters whatever the number of rows (not twelve per row to bind and plan). Rows keep their order
   * (`written_seq`, the order the sealer links them in).
   */
  async insertBatch(m: EntityManager, rows: UnsealedAuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof UnsealedAuditRow>(k: K) => rows.map((r) => r[k]);
    await m.query(
      `INSERT INTO audit_events (${INSERT_COLUMNS.join(', ')})
       SELECT v.id, v.occurred_at, v.actor_type, v.actor_id, v.action, v.entity_type, v.entity_id, v.contact_id,
              v.subject_contact_ids::uuid[], v.request_id, v.before::jsonb, v.after::jsonb
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[])
              WITH ORDINALITY AS v(id, occurred_at, actor_type, actor_id, action, entity_type, entity_id, contact_id,
                                   subject_contact_ids, request_id, before, after, n)
        ORDER BY v.n`,
      [
        col('id'),
        col('occurred_at'),
        col('actor_type'),
        col('actor_id'),
        col('action'),
        col('entity_type'),
        col('entity_id'),
        col('contact_id'),
        // uuid[] per row as its array literal (an array of arrays would be one two-dimensional array).
        rows.map((r) => (r.subject_contact_ids ? `{${r.subject_contact_ids.join(',')}}` : null)),
        col('request_id'),
        col('before'),
        col('after'),
      ],
    );
  }

  /**
   * Takes the sealer's lock for the transaction: waits for it (`wait`), or answers false at once when another
   * sealer holds it.
   */
  async lockSealer(m: EntityManager, wait: boolean): Promise<boolean> {
    if (wait) {
      await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_SEAL_LOCK]);
      return true;
    }
    const [r] = await m.query<{ ok: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS ok', [AUDIT_SEAL_LOCK]);
    return r.ok;
  }

  /** Committed events not sealed yet, in the order they were written. */
  unsealed(m: EntityManager, limit: number): Promise<Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>[]> {
    return m.query(
      `SELECT ${INSERT_COLUMNS.join(', ')} FROM audit_events WHERE seq IS NULL ORDER BY written_seq LIMIT ${Number(limit)}`,
    );
  }

  /** The chain's last sealed link, read under the sealer's lock. */
  async sealedHead(m: EntityManager): Promise<{ seq: bigint; hash: string } | null> {
    const [last] = await m.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1',
    );
    return last ? { seq: BigInt(last.seq), hash: last.hash } : null;
  }

  /**
   * Gives events their place in the chain (the only change the table's trigger allows, once per row).
   *
   * The rows are found by primary key. `coalesce(a.seq, 0) = 0` is `a.seq IS NULL` (seq starts at 1) written so
   * that the planner cannot take audit_events_unsealed_idx: that partial index keeps the entries of every event
   * sealed since the table's last VACUUM (dead, on pages only VACUUM removes), and with its estimate of one row
   * the planner walked all of them for each seal (260 pages, 1.5 ms on rapport_bench; by key: 7 pages, 0.1 ms).
   */
  async seal(m: EntityManager, links: { id: string; seq: string; prevHash: string; hash: string }[]): Promise<void> {
    await m.query(
      `UPDATE audit_events a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, sealed_at = clock_timestamp()
         FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS v(id, seq, prev_hash, hash)
        WHERE a.id = ANY($1::uuid[]) AND a.id = v.id AND coalesce(a.seq, 0) = 0`,
      [links.map((l) => l.id), links.map((l) => l.seq), links.map((l) => l.prevHash), links.map((l) => l.hash)],
    );
  }

  /**
   * Whether any committed event waits for its seal: one indexed read on the pool, outside a transaction (the sealer
   * asks before it opens one, so an idle poll is one round trip, not four).
   */
  async anyUnsealed(): Promise<boolean> {
    const [r] = await preparedRows<{ any: boolean }>(
      this.tx.dataSource.manager,
      'SELECT EXISTS (SELECT 1 FROM audit_events WHERE seq IS NULL) AS any',
      [],
    );
    return r.any;
  }

  /** Events committed but not sealed yet. */
  async pendingCount(): Promise<number> {
    const [r] = await this.tx.dataSource.manager.query<{ n: string }[]>('SELECT count(*) AS n FROM audit_events WHERE seq IS NULL');
    return Number(r.n);
  }

  /** The chain's last link without taking the lock (null while the trail is empty). */
  async head(): Promise<{ seq: bigint; hash: string } | null> {
    const [last] = await this.tx.dataSource.manager.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1',
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
      `SELECT ${CHAIN_COLUMNS.join(', ')} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT ${Number(limit)}`,
      [afterSeq.toString()],
    );
  }

  /**
   * The chain in order from after `afterSeq` to its end, in keyset batches of `batch` rows straight from the pg
   * pool (no entity layer, no row kept once the caller moves on): memory stays flat over millions of events. The
   * next batch is already being read while the caller works on the current one.
   */
  async *chain(afterSeq: bigint, batch: number): AsyncGenerator<ChainRow[]> {
    const text = `SELECT ${CHAIN_COLUMNS.join(', ')} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT ${Number(batch)}`;
    const pool = (this.tx.dataSource.driver as unknown as { master?: { query?: unknown } }).master;
    const name = `rapport_audit_chain_${Number(batch)}`;
    const read =
      pool && typeof pool.query === 'function'
        ? (after: bigint) =>
            (pool.query as ChainQuery)
              .call(pool, { name, text, values: [after.toString()], types: CHAIN_TYPES })
              .then((r) => r.rows)
        : (after: bigint) => this.tx.dataSource.manager.query<ChainRow[]>(text, [after.toString()]);
    let next: Promise<ChainRow[]> | undefined = read(afterSeq);
    while (next) {
      const rows: ChainRow[] = await next;
      next = rows.length === batch ? read(BigInt(rows[rows.length - 1].seq)) : undefined;
      // A failed read-ahead is thrown by the `await` of the next turn; never left unhandled meanwhile.
      next?.catch(() => undefined);
      if (rows.length > 0) yield rows;
    }
  }

  /** Newest first, `limit` rows (the caller asks for one more than a page to know whether another follows). */
  list(f: AuditFilter, limit: number): Promise<AuditRow[]> {
    const w = new SqlWhere();
    w.add('seq IS NOT NULL');
    if (f.action) w.add(`action = ${w.param(f.action)}`);
    if (f.entityType) w.add(`entity_type = ${w.param(f.entityType)}`);
    if (f.entityId) w.add(`entity_id = ${w.param(f.entityId)}`);
    if (f.actorId) w.add(`actor_id = ${w.param(f.actorId)}`);
    if (f.contactId) {
      // Whatever the entity: the contact whose values the event seals, or one of the others it is about.
      const id = w.param(f.contactId);
      w.add(`(contact_id = ${id} OR subject_contact_ids @> ARRAY[${id}]::uuid[])`);
    }
    if (f.from) w.add(`occurred_at >= ${w.param(f.from)}`);
    if (f.to) w.add(`occurred_at < ${w.param(f.to)}`);
    if (f.beforeSeq) w.add(`seq < ${w.param(f.beforeSeq)}`);
    return this.tx.manager.query(`SELECT * FROM audit_events ${w.sql} ORDER BY seq DESC LIMIT ${w.param(limit)}`, w.params);
  }
}
