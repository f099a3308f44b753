import pg from 'pg';
import { DataSource } from 'typeorm';
import { RetentionJob } from '../../src/retention/retention.job.js';
import { DAY_MS, retentionDecision } from '../../src/retention/retention-rule.js';
import { dueForErasure, retentionFactsOf } from '../../src/retention/retention.query.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Retention that acts, on real data: contacts made through the API, their dates set in the past with SQL where the
 * API cannot backdate (created_at, updated_at); consents and bases backdated through the API (obtainedAt,
 * expiresAt, validFrom, validUntil). RETENTION_DAYS_NO_BASIS is the default, 730.
 */
describe('Retention: who is due, the run, the daily job', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  let integration: string;
  let recipientId: string;
  const OLD = '2023-01-01T00:00:00.000Z';
  const OLD_DUE = new Date(Date.parse(OLD) + 730 * DAY_MS).toISOString();
  const daysFromNow = (n: number) => new Date(Date.now() + n * DAY_MS).toISOString();
  const ids: Record<string, string> = {};

  const newContact = async (name: string): Promise<string> => {
    const res = await t
      .api()
      .post('/contacts', { givenName: name, familyName: 'Retention', emails: [{ address: `${name.toLowerCase()}@retention.example` }] })
      .expect(201);
    return res.body.id as string;
  };
  /** The contact's own dates: created and last changed at `at` (the API cannot backdate them). */
  const backdate = (id: string, at = OLD) => t.sql('UPDATE contacts SET created_at = $2, updated_at = $2 WHERE id = $1', [id, at]);
  const consent = (id: string, purpose: string, extra: Record<string, unknown> = {}) =>
    t.api().post(`/contacts/${id}/consents`, { purpose, method: 'web_form', noticeVersion: 'v1', ...extra }).expect(201);
  const basis = (id: string, extra: Record<string, unknown> = {}) =>
    t.api().post(`/contacts/${id}/bases`, { purpose: 'contracting', reference: `C-${id.slice(0, 8)}`, ...extra }).expect(201);
  const dueList = async (key = compliance) => {
    const items: { contactId: string; reason: string; dueSince: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { contactId: string; reason: string; dueSince: string }[]; nextCursor: string | null } } = await t
        .api(key)
        .get(`/retention/due?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };
  const nameOf = (contactId: string) => Object.entries(ids).find(([, v]) => v === contactId)?.[0] ?? contactId;

  beforeAll(async () => {
    t = await createTestApp({ env: { RETENTION_ENFORCE: 'true' } });
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
    const hook = await t.api().post('/recipients', { name: 'CRM', kind: 'internal_tool', webhookUrl: 'http://127.0.0.1:9/hook' }).expect(201);
    recipientId = hook.body.id;
    integration = await t.createKey('integration', { recipientId });
    const purpose = (key: string, legalBasis: string, retentionDays?: number) =>
      t.api().post('/purposes', { key, name: key, description: '', legalBasis, dataCategories: ['givenName', 'emails'], retentionDays }).expect(201);
    await purpose('newsletter', 'consent', 30);
    await purpose('events', 'consent', 365);
    await purpose('short', 'consent', 5);
    await purpose('plain', 'consent');
    await purpose('contracting', 'contract');

    // Nothing at all, untouched since OLD: due since OLD + 730 days.
    ids.idle = await newContact('Idle');
    // A consent without end (granted, never withdrawn, no expiry): kept.
    ids.consenting = await newContact('Consenting');
    await consent(ids.consenting, 'newsletter');
    // A consent that expired long ago (retention 30 days, long passed): due, for inactivity.
    ids.expiredLongAgo = await newContact('Expired');
    await consent(ids.expiredLongAgo, 'newsletter', { obtainedAt: '2022-01-01T00:00:00Z', expiresAt: '2022-06-01T00:00:00Z' });
    // Expired 10 days ago, the purpose keeps data 365 days after: kept.
    ids.retained = await newContact('Retained');
    await consent(ids.retained, 'events', { obtainedAt: '2022-01-01T00:00:00Z', expiresAt: daysFromNow(-10) });
    // Expired 10 days ago, the purpose keeps data 5 days after: due since 5 days, by the purpose's retention.
    ids.shortRetention = await newContact('Short');
    await consent(ids.shortRetention, 'short', { obtainedAt: '2022-01-01T00:00:00Z', expiresAt: daysFromNow(-10) });
    // A purpose without retentionDays, consent withdrawn just now: due from the withdrawal. Disclosed before, so
    // its recipient is told of the erasure.
    ids.withdrawn = await newContact('Withdrawn');
    const given = await consent(ids.withdrawn, 'plain');
    await t.api().post('/disclosures', { purpose: 'plain', recipientId, contactIds: [ids.withdrawn] }).expect(201);
    await t.api().post(`/consents/${given.body.id}/withdraw`, {}).expect(200);
    // A live recorded basis: kept.
    ids.contract = await newContact('Contract');
    await basis(ids.contract);
    // A basis that starts later: kept (erasing would defeat it).
    ids.futureContract = await newContact('Future');
    await basis(ids.futureContract, { validFrom: daysFromNow(30) });
    // A basis that lapsed long ago: due, for inactivity.
    ids.lapsed = await newContact('Lapsed');
    await basis(ids.lapsed, { validFrom: '2022-01-01T00:00:00Z', validUntil: '2022-12-01T00:00:00Z' });
    // A basis ended just now: due from its end.
    ids.ended = await newContact('Ended');
    const b = await basis(ids.ended);
    await t.api().post(`/bases/${b.body.id}/end`, { reason: 'contract terminated' }).expect(200);
    // Recent activity: created recently; an interaction last month; an interaction long ago does not help.
    ids.recent = await newContact('Recent');
    ids.met = await newContact('Met');
    await t.api().post('/interactions', { type: 'call', occurredAt: daysFromNow(-30), summary: 'Catch-up', contactIds: [ids.met] }).expect(201);
    ids.metLongAgo = await newContact('Metlong');
    await t.api().post('/interactions', { type: 'call', occurredAt: '2023-02-01T00:00:00Z', summary: 'Old call', contactIds: [ids.metLongAgo] }).expect(201);
    // Archived contacts count; erased and merged ones do not.
    ids.archived = await newContact('Archived');
    await t.api().delete(`/contacts/${ids.archived}`).expect((r) => expect([200, 204]).toContain(r.status));
    ids.erased = await newContact('Erased');
    await t.api(compliance).post(`/contacts/${ids.erased}/erase`, {}).expect(200);
    ids.survivor = await newContact('Survivor');
    await consent(ids.survivor, 'newsletter');
    ids.merged = await newContact('Merged');
    await t.api().post(`/contacts/${ids.survivor}/merge`, { duplicateId: ids.merged }).expect((r) => expect(r.status).toBeLessThan(300));

    for (const [name, id] of Object.entries(ids)) if (name !== 'recent') await backdate(id);
  });

  afterAll(async () => {
    await t?.close();
  });

  const DUE_NOW = ['idle', 'expiredLongAgo', 'shortRetention', 'withdrawn', 'lapsed', 'ended', 'metLongAgo', 'archived'];

  it('lists exactly the contacts the rule makes due, with reason and dueSince, page by page', async () => {
    const items = await dueList();
    expect(items.map((i) => nameOf(i.contactId)).sort()).toEqual([...DUE_NOW].sort());
    const by = Object.fromEntries(items.map((i) => [nameOf(i.contactId), i]));
    expect(by.idle).toEqual({ contactId: ids.idle, reason: 'no_activity', dueSince: OLD_DUE });
    expect(by.expiredLongAgo).toMatchObject({ reason: 'no_activity', dueSince: OLD_DUE });
    expect(by.lapsed).toMatchObject({ reason: 'no_activity', dueSince: OLD_DUE });
    expect(by.metLongAgo).toMatchObject({ reason: 'no_activity', dueSince: new Date(Date.parse('2023-02-01T00:00:00Z') + 730 * DAY_MS).toISOString() });
    expect(by.shortRetention.reason).toBe('consent_retention_passed');
    expect(Math.abs(Date.parse(by.shortRetention.dueSince) - (Date.now() - 5 * DAY_MS))).toBeLessThan(10 * 60_000);
    expect(by.withdrawn.reason).toBe('consent_retention_passed');
    expect(by.ended.reason).toBe('basis_ended');
    // Longest due first.
    const times = items.map((i) => Date.parse(i.dueSince));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers 403 to staff and integration keys, 401 without credentials, 400 for a forged cursor', async () => {
    await t.api(staff).get('/retention/due').expect(403);
    await t.api(integration).get('/retention/due').expect(403);
    await t.api(staff).post('/retention/run').expect(403);
    await t.api(integration).post('/retention/run').expect(403);
    await t.request().get('/api/v1/retention/due').expect(401);
    const forged = Buffer.from(JSON.stringify(["1'; DROP TABLE contacts; --", ids.idle])).toString('base64url');
    await t.api(compliance).get(`/retention/due?cursor=${forged}`).expect(400);
    await t.api(compliance).get('/retention/due?limit=0').expect(400);
  });

  it('the SQL and the pure rule agree on every fixture, at several clocks', async () => {
    const m = t.app.get(DataSource).manager;
    const clocks = [new Date(), new Date(Date.now() + 400 * DAY_MS), new Date('2024-06-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'), new Date(Date.now() + 3000 * DAY_MS)];
    for (const now of clocks) {
      const sql = await dueForErasure(m, { now, days: 730, limit: 1000 });
      const fromSql = Object.fromEntries(sql.map((r) => [r.contact_id, { reason: r.reason, dueSince: new Date(r.due_since).getTime() }]));
      const fromRule: typeof fromSql = {};
      for (const id of Object.values(ids)) {
        const d = retentionDecision((await retentionFactsOf(m, id))!, { now, daysNoBasis: 730 });
        if (d.due) fromRule[id] = { reason: d.reason, dueSince: d.dueSince.getTime() };
      }
      expect({ now, due: fromSql }).toEqual({ now, due: fromRule });
      if (now === clocks[0]) expect(Object.keys(fromRule)).toHaveLength(DUE_NOW.length);
    }
    // The clocks do make a difference: far ahead, the retained one is due too; before OLD + 730 days, none is.
    expect((await dueForErasure(m, { now: new Date(Date.now() + 400 * DAY_MS), days: 730, limit: 1000 })).map((r) => r.contact_id)).toContain(ids.retained);
    expect(await dueForErasure(m, { now: new Date('2024-06-01T00:00:00Z'), days: 730, limit: 1000 })).toEqual([]);
  });

  it('a run is refused with 409 while another holds the lock', async () => {
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(7214601)');
      const res = await t.api(compliance).post('/retention/run').expect(409);
      expect(res.body.code ?? res.body.type).toBeDefined();
      expect(await t.app.get(RetentionJob).tick()).toBeNull();
    } finally {
      await other.end();
    }
  });

  it('POST /retention/run erases them now: audited with the reason, recipients told, nothing due afterwards', async () => {
    const res = await t.api(compliance).post('/retention/run').expect(200);
    expect(res.body).toEqual({ erased: DUE_NOW.length });
    expect(await dueList()).toEqual([]);

    const rows = await t.sql<{ id: string; erased_at: Date | null }>('SELECT id, erased_at FROM contacts WHERE id = ANY($1::uuid[])', [Object.values(ids)]);
    const erasedNow = rows.filter((r) => r.erased_at).map((r) => nameOf(r.id)).sort();
    expect(erasedNow).toEqual([...DUE_NOW, 'erased'].sort());

    // The same erasure as POST /contacts/:id/erase: personal fields gone, the gate answers contact_erased.
    const gone = await t.api(compliance).get(`/contacts/${ids.idle}`);
    expect(JSON.stringify(gone.body)).not.toContain('idle@retention.example');
    const check = await t.api().get(`/consent-check?contactId=${ids.withdrawn}&purpose=plain&recipientId=${recipientId}`).expect(200);
    expect(check.body).toMatchObject({ allowed: false, reason: 'contact_erased' });

    // Each erasure is audited with its reason.
    const audit = await t.api(compliance).get(`/audit-events?entityType=contact&entityId=${ids.shortRetention}&action=erase`).expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(JSON.stringify(audit.body.items[0])).toMatch(/retention: consent_retention_passed, due since \d{4}-/);
    const idleAudit = await t.api(compliance).get(`/audit-events?entityType=contact&entityId=${ids.idle}&action=erase`).expect(200);
    expect(JSON.stringify(idleAudit.body.items[0])).toContain(`retention: no_activity, due since ${OLD_DUE}`);

    // The recipient that received the withdrawn contact's data is told of the erasure.
    const deliveries = await t.sql<{ type: string }>('SELECT type FROM webhook_deliveries WHERE contact_id = $1 AND recipient_id = $2', [ids.withdrawn, recipientId]);
    expect(deliveries.map((d) => d.type)).toContain('contact.erased');

    // A second run finds nothing.
    await t.api(compliance).post('/retention/run').expect(200, { erased: 0 });
  });

  it('the daily job (clock injected) erases who is due, once a day, one instance at a time', async () => {
    const job = t.app.get(RetentionJob);
    const a = await newContact('Jobone');
    const b = await newContact('Jobtwo');
    await backdate(a);
    // b: last changed 700 days before the job's first clock, so due 30 days after it.
    const day0 = new Date(Date.now() + 2 * DAY_MS);
    await backdate(b, new Date(day0.getTime() - 700 * DAY_MS).toISOString());

    // Two rounds at once (as two instances would): one runs, the other does nothing.
    const both = await Promise.all([job.tick(day0), job.tick(day0)]);
    expect(both.filter((r) => r !== null)).toEqual([1]);
    // Within the same day: does not run again.
    expect(await job.tick(new Date(day0.getTime() + 23 * 3600_000))).toBeNull();
    // A day later it runs again; b is not due yet.
    expect(await job.tick(new Date(day0.getTime() + DAY_MS))).toBe(0);
    // 31 days after day0, b is due.
    expect(await job.tick(new Date(day0.getTime() + 31 * DAY_MS))).toBe(1);
    const [ra, rb] = await t.sql<{ erased_at: Date | null }>('SELECT erased_at FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id = $2 DESC', [[a, b], a]);
    expect(ra.erased_at).not.toBeNull();
    expect(rb.erased_at).not.toBeNull();
    const audit = await t.api(compliance).get(`/audit-events?entityType=contact&entityId=${b}&action=erase`).expect(200);
    expect(JSON.stringify(audit.body.items[0])).toContain('retention: no_activity');
    expect(audit.body.items[0]).toMatchObject({ actorType: 'system' });
  });
});
