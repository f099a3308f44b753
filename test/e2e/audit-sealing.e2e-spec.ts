import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AuditSealer } from '../../src/audit/audit-sealer.js';
import { AuditService } from '../../src/audit/audit.service.js';
import { TransactionService } from '../../src/database/transaction.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 11, seal after commit: requests write events without their chain link and take no lock; the sealer links
 * committed events afterwards, one sealer at a time. The table's trigger allows exactly one change: setting the seal
 * fields from empty, once.
 */
describe('Audit sealing after commit', () => {
  let t: TestApp;
  let sealer: AuditSealer;

  beforeAll(async () => {
    t = await createTestApp();
    sealer = t.app.get(AuditSealer);
    for (const n of [1, 2, 3]) await t.api().post('/contacts', { givenName: 'Seal', familyName: `N${n}` }).expect(201);
    await sealer.sealPending();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An event as a request writes it, committed but unsealed (what a crashed instance leaves behind). */
  const writeUnsealed = (client: pg.Client | TestApp, action = 'test') => {
    const sql = `INSERT INTO audit_events (id, occurred_at, actor_type, action, entity_type) VALUES ($1, now(), 'system', $2, 'test')`;
    const params = [randomUUID(), action];
    return client instanceof pg.Client ? client.query(sql, params) : client.sql(sql, params);
  };
  const chainIsContiguous = async () => {
    const [r] = await t.sql<{ n: string; max: string; unsealed: string }>(
      `SELECT count(seq) AS n, max(seq) AS max, count(*) FILTER (WHERE seq IS NULL) AS unsealed FROM audit_events`,
    );
    return { sealed: Number(r.n), max: Number(r.max), unsealed: Number(r.unsealed) };
  };

  it('should seal every committed event into one linear chain that verifies', async () => {
    const res = await t.api().get('/audit-events/verify').expect(200);
    const c = await chainIsContiguous();
    expect(c.unsealed).toBe(0);
    expect(c.max).toBe(c.sealed);
    expect(res.body).toEqual({ valid: true, checked: c.sealed });
  });

  it('should seal, after a crash between commit and seal, what the writer left unsealed', async () => {
    await writeUnsealed(t, 'left-by-a-crash');
    await writeUnsealed(t, 'left-by-a-crash');
    const res = await t.api().get('/audit-events/verify').expect(200);
    const c = await chainIsContiguous();
    expect(c).toEqual({ sealed: c.max, max: c.max, unsealed: 0 });
    expect(res.body).toEqual({ valid: true, checked: c.max });
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'left-by-a-crash' AND seq IS NOT NULL`);
    expect(Number(n)).toBe(2);
  });

  it('should let one sealer at a time work: while another holds the lock nothing is sealed, then all is', async () => {
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(7214001)'); // another instance's sealer, busy
      await writeUnsealed(t, 'while-locked');
      sealer.nudge();
      await new Promise((r) => setTimeout(r, 600)); // two polling rounds
      expect((await chainIsContiguous()).unsealed).toBe(1);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    // Two sealers started at once: one waits for the other; the chain stays linear, nothing sealed twice.
    await Promise.all([sealer.sealPending(), sealer.sealPending(), sealer.sealPending()]);
    const c = await chainIsContiguous();
    expect(c).toEqual({ sealed: c.max, max: c.max, unsealed: 0 });
    expect((await t.api().get('/audit-events/verify').expect(200)).body.valid).toBe(true);
  });

  it('should leave no event and no gap for a rolled-back transaction', async () => {
    const before = await chainIsContiguous();
    await expect(
      t.app.get(TransactionService).run(async () => {
        await t.app.get(AuditService).record({ action: 'rolled-back', entityType: 'test' });
        throw new Error('the change fails after its event was written');
      }),
    ).rejects.toThrow('the change fails');
    await t.api().post('/contacts', { givenName: 'After', familyName: 'Rollback' }).expect(201);
    await sealer.sealPending();
    const after = await chainIsContiguous();
    expect(after.max).toBe(after.sealed);
    expect(after.sealed).toBe(before.sealed + 1);
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'rolled-back'`)).toEqual([]);
  });

  it('should allow the seal fields to be set once from empty, and nothing else', async () => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      // A sealed event cannot be sealed again, nor changed.
      const [sealed] = await t.sql<{ id: string }>(`SELECT id FROM audit_events WHERE seq IS NOT NULL ORDER BY seq LIMIT 1`);
      await expect(t.sql(`UPDATE audit_events SET hash = 'x', prev_hash = 'y' WHERE id = $1`, [sealed.id])).rejects.toThrow(/append-only/);
      await expect(t.sql(`UPDATE audit_events SET seq = NULL, hash = NULL, prev_hash = NULL WHERE id = $1`, [sealed.id])).rejects.toThrow(/append-only/);
      // An unsealed one (in a transaction of its own, invisible to the sealer): sealing while changing content is refused ...
      await client.query('BEGIN');
      const id = randomUUID();
      await client.query(`INSERT INTO audit_events (id, occurred_at, actor_type, action, entity_type) VALUES ($1, now(), 'system', 'x', 'test')`, [id]);
      await client.query('SAVEPOINT s');
      await expect(
        client.query(`UPDATE audit_events SET seq = 999999, prev_hash = 'p', hash = 'h', action = 'forged' WHERE id = $1`, [id]),
      ).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      // ... a content change alone too; setting only the seal fields is the one change allowed.
      await expect(client.query(`UPDATE audit_events SET action = 'forged' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      await client.query(`UPDATE audit_events SET seq = 999999, prev_hash = 'p', hash = 'h', sealed_at = now() WHERE id = $1`, [id]);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    await expect(t.sql(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });

  // Last: it breaks the chain for good.
  it('should stream a chain longer than a batch, and still find an event rewritten far into it', async () => {
    // 1,200 events (the verifier reads 500 at a time), microsecond timestamps, sealed.
    await t.sql(
      `INSERT INTO audit_events (id, occurred_at, actor_type, action, entity_type, after)
       SELECT gen_random_uuid(), clock_timestamp(), 'system', 'bulk', 'test', jsonb_build_object('n', g, 'z', 'é"\\')
         FROM generate_series(1, 1200) g`,
    );
    await sealer.sealPending();
    const c = await chainIsContiguous();
    expect((await t.api().get('/audit-events/verify').expect(200)).body).toEqual({ valid: true, checked: c.max });
    // A superuser rewrites one event deep in the chain (third batch), without re-hashing.
    const [victim] = await t.sql<{ id: string; seq: string }>(`SELECT id, seq::text AS seq FROM audit_events WHERE seq = $1`, [c.max - 100]);
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`UPDATE audit_events SET after = jsonb_set(after, '{n}', '0') WHERE id = $1`, [victim.id]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const res = await t.api().get('/audit-events/verify').expect(200);
    expect(res.body).toEqual({ valid: false, checked: c.max - 101, firstBrokenId: victim.id });
    // From a position after it, the rest still verifies.
    const tail = await t.api().get(`/audit-events/verify?fromSeq=${c.max - 99}`).expect(200);
    expect(tail.body).toEqual({ valid: true, checked: 100 });
  });
});
