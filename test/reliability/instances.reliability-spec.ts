import { Webhook } from 'standardwebhooks';
import { Receiver } from '../e2e/webhooks-helpers.js';
import { PURPOSE, seed } from './load.js';
import { Answer, AppProcess, cleanUp, dumpLogs, embeddedUrl, sql, startApp, tempDataDir, waitFor } from './support.js';

/**
 * Two Rapport processes on one PostgreSQL (the first runs it embedded, the second gets its DATABASE_URL), the way
 * a deployment scales out. Races that must resolve as if the requests came one after the other.
 */
describe('Several instances on one database', () => {
  const dataDir = tempDataDir('instances');
  const env = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' };
  let a: AppProcess | undefined;
  let b: AppProcess | undefined;
  let url: string;
  let rx: Receiver;
  let recipient: { id: string; secret: string };

  const both = () => [a!, b!] as const;
  const contact = async (app: AppProcess, familyName: string, email?: string): Promise<string> => {
    const r = await app.call('POST', '/contacts', { body: { givenName: 'Race', familyName, ...(email ? { emails: [{ address: email }] } : {}) } });
    expect(r.status).toBe(201);
    return r.body.id;
  };
  const consent = async (app: AppProcess, contactId: string): Promise<string> => {
    const r = await app.call('POST', `/contacts/${contactId}/consents`, { body: { purpose: PURPOSE, method: 'web_form', noticeVersion: 'v1' } });
    expect(r.status).toBe(201);
    return r.body.id;
  };
  const statuses = (...answers: Answer[]) => answers.map((x) => x.status).sort((x, y) => x - y);

  beforeAll(async () => {
    rx = await new Receiver().start();
    try {
      a = await startApp({ dataDir, env });
      url = embeddedUrl(dataDir);
      // The second instance: another process, its own pool, the same database, master key and admin key.
      b = await startApp({ dataDir: tempDataDir('instances-b'), databaseUrl: url, env });
      recipient = await seed(a, rx.url('/hook'));
    } catch (err) {
      dumpLogs(a, b);
      throw err;
    }
  });

  afterAll(async () => {
    await cleanUp();
    await rx.stop();
  });

  it('concurrent merges of the same duplicate pair: one wins, the other is refused, never a half-merge', async () => {
    for (let i = 0; i < 6; i++) {
      const email = `dup-${i}@example.org`;
      const x = await contact(a!, `Dup${i}`, email);
      const y = await contact(b!, `Dup${i}`, email);
      // Each side of the pair has an interaction and a consent, which the merge must move onto the survivor.
      for (const id of [x, y]) {
        expect((await a!.call('POST', '/interactions', { body: { type: 'call', occurredAt: new Date().toISOString(), summary: 'before', contactIds: [id] } })).status).toBe(201);
        await consent(b!, id);
      }
      // Even rounds: both instances merge y into x; odd rounds: a merges y into x while b merges x into y.
      const [ra, rb] = await Promise.all([
        a!.call('POST', `/contacts/${x}/merge`, { body: { duplicateId: y } }),
        i % 2 === 0 ? b!.call('POST', `/contacts/${x}/merge`, { body: { duplicateId: y } }) : b!.call('POST', `/contacts/${y}/merge`, { body: { duplicateId: x } }),
      ]);
      const winners = [ra, rb].filter((r) => r.status === 200);
      const losers = [ra, rb].filter((r) => r.status !== 200);
      expect(winners).toHaveLength(1);
      expect([404, 409, 410]).toContain(losers[0].status);
      expect(losers[0].headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const survivor = winners[0] === ra || i % 2 === 0 ? x : y;
      const duplicate = survivor === x ? y : x;
      // Whole: the duplicate is a tombstone pointing at the survivor, and everything it had moved over.
      const rows = await sql<{ id: string; merged_into_id: string | null }>(url, 'SELECT id, merged_into_id FROM contacts WHERE id = ANY($1::uuid[])', [[x, y]]);
      expect(Object.fromEntries(rows.map((r) => [r.id, r.merged_into_id]))).toEqual({ [survivor]: null, [duplicate]: survivor });
      expect((await a!.call('GET', `/contacts/${duplicate}`)).status).toBe(410);
      // Finding (open, src/contacts): the duplicate's own interaction stays linked to the tombstone when the survivor
      // has an interaction of its own, also on one instance without any race.
      expect((await b!.call('GET', `/contacts/${survivor}/interactions`)).body.items).toHaveLength(2);
      expect((await a!.call('GET', `/contacts/${survivor}/consents`)).body.items).toHaveLength(2);
      const left = await sql(url, 'SELECT 1 FROM consents WHERE contact_id = $1', [duplicate]);
      expect(left).toHaveLength(0);
    }
  });

  it('withdrawals racing disclosures: each disclosure either saw the withdrawal or is notified of it (Art. 19)', async () => {
    const pairs: { contactId: string; disclosed: boolean }[] = [];
    for (let i = 0; i < 12; i++) {
      const [w, d] = i % 2 === 0 ? both() : [b!, a!];
      const contactId = await contact(w, `Gate${i}`, `gate-${i}@example.org`);
      const consentId = await consent(d, contactId);
      const [withdrawal, disclosure] = await Promise.all([
        w.call('POST', `/consents/${consentId}/withdraw`, { body: {} }),
        d.call('POST', '/disclosures', { body: { purpose: PURPOSE, recipientId: recipient.id, contactIds: [contactId] } }),
      ]);
      expect(withdrawal.status).toBe(200);
      expect(disclosure.status).toBe(201);
      const disclosed = (disclosure.body.disclosed as { contactId: string }[]).some((x) => x.contactId === contactId);
      if (!disclosed) expect(disclosure.body.withheld).toEqual([{ contactId, reason: 'consent_withdrawn' }]);
      pairs.push({ contactId, disclosed });
    }
    // A disclosure that got the data came before the withdrawal: the recipient is told of the withdrawal.
    // One that came after did not get it, and needs no notification.
    const notified = new Set(
      (
        await sql<{ contact_id: string }>(url, `SELECT contact_id FROM webhook_deliveries WHERE type = 'consent.withdrawn' AND recipient_id = $1`, [
          recipient.id,
        ])
      ).map((r) => r.contact_id),
    );
    for (const p of pairs) if (p.disclosed) expect({ ...p, notified: notified.has(p.contactId) }).toEqual({ ...p, notified: true });
    console.log(`reliability: withdrawal/disclosure races: ${pairs.filter((p) => p.disclosed).length} disclosed first, ${pairs.filter((p) => !p.disclosed).length} withdrawn first`);
  });

  it('the same Idempotency-Key at the same moment on both instances creates exactly one contact', async () => {
    for (let i = 0; i < 8; i++) {
      const key = `reliability-idem-${i}-${Date.now()}`;
      const body = { givenName: 'Idem', familyName: `Key${i}-${Date.now()}` };
      const answers = await Promise.all(both().map((app) => app.call('POST', '/contacts', { body, headers: { 'Idempotency-Key': key } })));
      const created = answers.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const r of answers.filter((x) => x.status !== 201)) expect(r.body?.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      // Both 201: the second one is a replay of the first, the same contact.
      if (created.length === 2) {
        expect(created[0].body.id).toBe(created[1].body.id);
        expect(created.map((r) => r.headers.get('idempotent-replayed'))).toContain('true');
      }
      const rows = await sql(url, 'SELECT id FROM contacts WHERE family_name = $1', [body.familyName]);
      expect(rows).toHaveLength(1);
    }
  });

  it('follow-up status changes from both instances: If-Match lets one win; without it, no update is lost', async () => {
    const contactId = await contact(a!, 'FollowUp');
    const interaction = await a!.call('POST', '/interactions', {
      body: { type: 'meeting', occurredAt: new Date().toISOString(), summary: 'follow me', contactIds: [contactId], followUp: { note: 'call back' } },
    });
    expect(interaction.status).toBe(201);
    const followUpId: string = interaction.body.followUps[0].id;
    const version = async () => (await sql<{ version: number; status: string }>(url, 'SELECT version, status FROM follow_ups WHERE id = $1', [followUpId]))[0];
    const v1 = (await version()).version;
    const [x, y] = await Promise.all([
      a!.call('PATCH', `/follow-ups/${followUpId}`, { body: { status: 'done' }, headers: { 'If-Match': `"${v1}"` } }),
      b!.call('PATCH', `/follow-ups/${followUpId}`, { body: { status: 'cancelled' }, headers: { 'If-Match': `"${v1}"` } }),
    ]);
    expect(statuses(x, y)).toEqual([200, 412]);
    const winner = x.status === 200 ? 'done' : 'cancelled';
    expect(await version()).toEqual({ version: v1 + 1, status: winner });
    // Without If-Match two different changes both apply, one after the other: two version bumps, none lost.
    const [p, q] = await Promise.all([
      a!.call('PATCH', `/follow-ups/${followUpId}`, { body: { note: 'from a' } }),
      b!.call('PATCH', `/follow-ups/${followUpId}`, { body: { dueAt: '2031-01-01T09:00:00.000Z' } }),
    ]);
    expect(statuses(p, q)).toEqual([200, 200]);
    const [row] = await sql<{ version: number; note: string; due_at: Date }>(url, 'SELECT version, note, due_at FROM follow_ups WHERE id = $1', [followUpId]);
    expect(row).toEqual({ version: v1 + 3, note: 'from a', due_at: new Date('2031-01-01T09:00:00.000Z') });
  });

  it('delivers every queued webhook exactly once although both instances run the delivery worker', async () => {
    const rows = await waitFor(async () => {
      const all = await sql<{ id: string; status: string }>(url, 'SELECT id, status FROM webhook_deliveries');
      return all.length > 0 && all.every((r) => r.status === 'delivered') ? all : undefined;
    }, 'every webhook delivered');
    const received = rx.at('/hook').filter((m) => m.status === 200);
    const ids = received.map((m) => m.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length); // none twice
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id))); // each one
    for (const m of received) expect(new Webhook(recipient.secret).verify(m.body, m.headers as Record<string, string>)).toBeTruthy();
    console.log(`reliability: ${rows.length} webhooks delivered once each by two instances`);
  });

  it('leaves the audit chain valid, as seen from both instances', async () => {
    for (const app of both()) {
      const v = await app.call('GET', '/audit-events/verify');
      expect(v.status).toBe(200);
      expect(v.body.valid).toBe(true);
    }
  });
});
