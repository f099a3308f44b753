import { compactVerify, importJWK, type JWK } from 'jose';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { AuditSealer } from '../../src/audit/audit-sealer.js';
import { auditHash } from '../../src/audit/audit.service.js';
import { CheckpointScheduler } from '../../src/audit-trail/checkpoint.scheduler.js';
import type { AuditRow } from '../../src/audit/audit-events.repository.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 11 / the contract's "Compliance" section: the `action` and `contactId` filters, verify with `fromSeq`, and
 * signed checkpoints outside the database that reveal a history rewritten as a whole.
 */
describe('Audit trail: filters, verify from a position, signed checkpoints', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  const checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-checkpoints-'));

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_CHECKPOINT_DIR: checkpointDir } });
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(checkpointDir, { recursive: true, force: true });
  });

  const newContact = async (familyName: string) =>
    (await t.api(staff).post('/contacts', { givenName: 'Audit', familyName }).expect(201)).body as { id: string };

  it('should filter events by action and by contact', async () => {
    const a = await newContact('Filtered');
    await t.api(staff).patch(`/contacts/${a.id}`, { jobTitle: 'Buyer' }).set('If-Match', '"1"').expect(200);
    const updates = await t.api(compliance).get('/audit-events?action=update').expect(200);
    expect(updates.body.items.length).toBeGreaterThan(0);
    expect(updates.body.items.every((e: { action: string }) => e.action === 'update')).toBe(true);
    const aboutA = await t.api(compliance).get(`/audit-events?contactId=${a.id}`).expect(200);
    expect(aboutA.body.items.map((e: { action: string }) => e.action).sort()).toEqual(['create', 'update']);
    const none = await t.api(compliance).get(`/audit-events?contactId=${a.id}&action=erase`).expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('should let only admin and compliance make and read checkpoints', async () => {
    await t.api(staff).post('/audit-events/checkpoints').expect(403);
    await t.api(staff).get('/audit-events/checkpoints').expect(403);
  });

  it('should sign the head of the chain, verifiable with the published keys, and write it as a file', async () => {
    const res = await t.api(compliance).post('/audit-events/checkpoints').expect(201);
    // The head of the chain at that moment: every event written so far, sealed.
    const [{ seq, hash }] = await t.sql<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_events WHERE seq = $1', [res.body.seq]);
    expect(await t.sql('SELECT 1 FROM audit_events WHERE seq > $1 OR seq IS NULL', [seq])).toEqual([]);
    expect(res.body).toEqual({ id: expect.any(String), seq: Number(seq), hash, signedAt: expect.any(String), jws: expect.any(String) });
    const jwks = (await t.request().get('/.well-known/jwks.json').expect(200)).body as { keys: (JWK & { kid: string })[] };
    const header = JSON.parse(Buffer.from((res.body.jws as string).split('.')[0], 'base64url').toString()) as { kid: string; alg: string };
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    const { payload } = await compactVerify(res.body.jws as string, await importJWK(jwk, header.alg));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ seq: Number(seq), hash, signedAt: res.body.signedAt });
    const files = fs.readdirSync(checkpointDir);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(checkpointDir, files[0]), 'utf8'))).toMatchObject({ id: res.body.id, jws: res.body.jws });

    await newContact('Later'); // the chain grows past the checkpoint
    const second = await t.api(compliance).post('/audit-events/checkpoints').expect(201);
    expect(second.body.seq).toBeGreaterThan(res.body.seq);
    const list = await t.api(compliance).get('/audit-events/checkpoints?limit=1').expect(200);
    expect(list.body.items).toEqual([second.body]);
    const next = await t.api(compliance).get(`/audit-events/checkpoints?cursor=${list.body.nextCursor}`).expect(200);
    expect(next.body.items).toEqual([res.body]);
  });

  it('should verify from a position, and compare the chain with the latest checkpoint', async () => {
    const [{ n }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_events');
    const all = await t.api(compliance).get('/audit-events/verify').expect(200);
    expect(all.body).toMatchObject({ valid: true, checked: Number(n), checkpoint: { matches: true, source: 'file' } });
    const tail = await t.api(compliance).get('/audit-events/verify?fromSeq=3').expect(200);
    expect(tail.body).toMatchObject({ valid: true, checked: Number(n) - 2, checkpoint: { matches: true } });
    await t.api(compliance).get('/audit-events/verify?fromSeq=0').expect(400);
  });

  it('should make a scheduled checkpoint only when the chain has grown, one instance at a time', async () => {
    const scheduler = t.app.get(CheckpointScheduler);
    await newContact('Scheduled');
    const before = fs.readdirSync(checkpointDir).length;
    expect(await scheduler.tick()).toBe(true);
    expect(fs.readdirSync(checkpointDir)).toHaveLength(before + 1);
    expect(await scheduler.tick()).toBe(false); // nothing new since
    // Another instance holding the lock: this one skips the round.
    await newContact('Locked out');
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(7214002)');
      expect(await scheduler.tick()).toBe(false);
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    expect(await scheduler.tick()).toBe(true);
  });

  it('should report a history rewritten as a whole, every hash recomputed, as invalid', async () => {
    await newContact('After the checkpoint');
    await t.app.get(AuditSealer).sealPending();
    // An attacker with superuser rights: triggers off, an old event rewritten, every later hash recomputed so the
    // links all match again.
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      const rows = (
        await client.query<AuditRow>(
          `SELECT id, seq::text AS seq, occurred_at, actor_type, actor_id, action, entity_type, entity_id, contact_id,
                  request_id, before, after, prev_hash, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq`,
        )
      ).rows;
      let prev = rows[1].prev_hash;
      for (const row of rows.slice(1)) {
        if (row === rows[1]) row.action = 'rewritten';
        row.prev_hash = prev;
        row.hash = auditHash(row);
        prev = row.hash;
        await client.query('UPDATE audit_events SET action = $2, prev_hash = $3, hash = $4 WHERE id = $1', [row.id, row.action, row.prev_hash, row.hash]);
      }
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const res = await t.api(compliance).get('/audit-events/verify').expect(200);
    // The links and hashes all agree again ...
    const [{ n }] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_events');
    expect(res.body.checked).toBe(Number(n));
    // ... but not with the signed checkpoint.
    expect(res.body.valid).toBe(false);
    expect(res.body.checkpoint).toMatchObject({ matches: false, source: 'file' });
    expect(res.body.firstBrokenId).toEqual(expect.any(String));
  });
});
