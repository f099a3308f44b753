import { createHash, randomUUID } from 'node:crypto';
import { buildOpenApiDocument } from '../../../src/app.setup.js';
import { createTestApp, TestApp } from '../../setup/test-app.js';

/**
 * OWASP API Security Top 10 2023 — API3: Broken Object Property Level Authorisation.
 *
 * 1. Mass assignment: bodies naming server-owned properties (ids, versions, timestamps, erasure, authorship,
 *    review decisions, consent state, key material, roles) are a 400 naming the field, and the database row is
 *    exactly as before.
 * 2. Excessive data exposure: every GET operation of the OpenAPI document, called as admin with real ids, must
 *    not answer any secret, hash or key material the service stores (webhook secrets `whsec_…`, API key tails and
 *    their SHA-256, sealed values `v1.<iv>.<tag>.<ct>`, the receipt signing keys' private JWK/PKCS#8 PEM, calendar
 *    and double opt-in tokens, the master key).
 */
describe('OWASP API3 — object property level authorisation', () => {
  let t: TestApp;
  let staff: { id: string; key: string };
  let org: string;
  let contact: string;
  let interaction: string;
  let recipient: string;

  const row = async (table: string, id: string) => (await t.sql(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];
  const count = async (table: string) => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const versionOf = async (table: string, id: string) => Number((await t.sql<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id]))[0].version);
  /** The request is a 400 naming every given field, and `table` row `id` is unchanged (or `table` gains no row). */
  const refused = async (send: () => Promise<{ status: number; body: { errors?: { field: string }[] } }>, fields: string[], table: string, id?: string) => {
    const before = id ? await row(table, id) : await count(table);
    const res = await send();
    expect({ status: res.status, fields }).toEqual({ status: 400, fields });
    const named = (res.body.errors ?? []).map((e) => e.field);
    for (const f of fields) expect({ field: f, named: named.some((n) => n === f || n.startsWith(`${f}.`)) }).toEqual({ field: f, named: true });
    expect(id ? await row(table, id) : await count(table)).toEqual(before);
  };

  beforeAll(async () => {
    t = await createTestApp();
    const u = await t.api().post('/users', { name: 'Sam Staff', email: 'sam@example.test', role: 'staff' }).expect(201);
    staff = { id: u.body.id as string, key: await t.createKey('staff', { userId: u.body.id }) };
    org = (await t.api(staff.key).post('/organisations', { name: 'Acme' }).expect(201)).body.id as string;
    contact = (await t.api(staff.key).post('/contacts', { givenName: 'Ada', familyName: 'Lovelace', emails: [{ address: 'ada@example.org' }] }).expect(201)).body.id as string;
    interaction = (
      await t.api(staff.key).post('/interactions', { type: 'call', occurredAt: '2026-11-02T10:00:00.000Z', summary: 'Call', contactIds: [contact], competitionSensitive: true }).expect(201)
    ).body.id as string;
    recipient = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id as string;
    await t.api().post('/purposes', { key: 'newsletter', name: 'Newsletter', description: 'News', legalBasis: 'consent', dataCategories: ['givenName'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('mass assignment', () => {
    const otherId = '00000000-0000-4000-8000-000000000001';

    it('should refuse a new contact that sets its own id, version, timestamps, erasure, merge or archive state', async () => {
      const base = { givenName: 'Eve', familyName: 'Attacker' };
      for (const [field, value] of Object.entries({
        id: otherId, version: 99, createdAt: '2000-01-01T00:00:00Z', updatedAt: '2000-01-01T00:00:00Z', erasedAt: '2000-01-01T00:00:00Z',
        archivedAt: '2000-01-01T00:00:00Z', mergedIntoId: contact, mergedInto: contact, lastInteractionAt: '2000-01-01T00:00:00Z', createdBy: otherId,
      })) {
        await refused(() => t.api(staff.key).post('/contacts', { ...base, [field]: value }), [field], 'contacts');
      }
    });

    it('should refuse consent fields on a contact (create and update), and record no consent', async () => {
      const consents = await count('consents');
      for (const field of ['consent', 'consents', 'consentStatus', 'marketingConsent', 'gdprConsent', 'optIn']) {
        await refused(() => t.api(staff.key).post('/contacts', { givenName: 'Eve', familyName: 'Attacker', [field]: true }), [field], 'contacts');
        await refused(() => t.api(staff.key).patch(`/contacts/${contact}`, { [field]: { newsletter: 'granted' } }), [field], 'contacts', contact);
      }
      expect(await count('consents')).toBe(consents);
    });

    it("should refuse a contact update that rewrites its id, version, timestamps or erasure, leaving the row untouched", async () => {
      for (const [field, value] of Object.entries({
        id: otherId, version: 1, createdAt: '2000-01-01T00:00:00Z', updatedAt: '2000-01-01T00:00:00Z', erasedAt: '2000-01-01T00:00:00Z',
        archivedAt: null, mergedIntoId: null, lastInteractionAt: '2000-01-01T00:00:00Z',
      })) {
        await refused(() => t.api(staff.key).patch(`/contacts/${contact}`, { jobTitle: 'CEO', [field]: value }), [field], 'contacts', contact);
      }
    });

    it('should refuse an interaction that names another author or decides its own competition review', async () => {
      const base = { type: 'call', occurredAt: '2026-11-03T10:00:00.000Z', summary: 'x', contactIds: [contact] };
      for (const [field, value] of Object.entries({
        authorId: otherId, authorCredentialId: otherId, reviewStatus: 'cleared', review: { status: 'cleared' }, reviewedBy: otherId,
        id: otherId, version: 7, createdAt: '2000-01-01T00:00:00Z', archivedAt: '2000-01-01T00:00:00Z',
      })) {
        await refused(() => t.api(staff.key).post('/interactions', { ...base, [field]: value }), [field], 'interactions');
        await refused(
          () => t.api(staff.key).patch(`/interactions/${interaction}`, { [field]: value }).set('If-Match', '*'),
          [field],
          'interactions',
          interaction,
        );
      }
      expect((await row('interactions', interaction)).review_status).toBe('pending');
    });

    it('should refuse a consent that sets its own status, withdrawal, contact, id or confirmation token', async () => {
      const base = { purpose: 'newsletter', method: 'email_double_opt_in', noticeVersion: 'v1', confirmed: false };
      for (const [field, value] of Object.entries({
        status: 'granted', withdrawnAt: '2000-01-01T00:00:00Z', contactId: otherId, id: otherId, version: 3, createdAt: '2000-01-01T00:00:00Z',
        confirmationToken: 'chosen-by-attacker', confirmedAt: '2026-01-01T00:00:00Z', recordedBy: otherId,
      })) {
        await refused(() => t.api(staff.key).post(`/contacts/${contact}/consents`, { ...base, [field]: value }), [field], 'consents');
      }
    });

    it('should refuse a user that claims an OIDC identity, an id or a state, and an API key that brings its own secret, hash, prefix or state', async () => {
      for (const [field, value] of Object.entries({ id: otherId, oidcIssuer: 'https://idp.example', oidcSubject: 'admin', active: true, createdAt: '2000-01-01T00:00:00Z' })) {
        await refused(() => t.api().post('/users', { name: 'Mallory', email: `m-${randomUUID().slice(0, 6)}@example.test`, role: 'staff', [field]: value }), [field], 'users');
      }
      for (const [field, value] of Object.entries({
        key: 'rapk_chosen_by_the_attacker_000000000', keyHash: 'a'.repeat(64), prefix: 'rapk_chosen_', id: otherId, revokedAt: null, version: 1, createdBy: otherId,
      })) {
        await refused(() => t.api().post('/api-keys', { name: 'k', role: 'staff', [field]: value }), [field], 'api_keys');
      }
    });

    it("should offer no way to change a user's or an API key's role after creation, and keep it in the database", async () => {
      const k = (await t.api().post('/api-keys', { name: 'staff k', role: 'staff' }).expect(201)).body as { id: string };
      for (const attempt of [
        t.api().patch(`/api-keys/${k.id}`, { role: 'admin' }),
        t.api().put(`/api-keys/${k.id}`, { role: 'admin' }),
        t.api().patch(`/users/${staff.id}`, { role: 'admin' }),
        t.api().put(`/users/${staff.id}`, { role: 'admin' }),
      ]) {
        expect([404, 405]).toContain((await attempt).status);
      }
      expect((await row('api_keys', k.id)).role).toBe('staff');
      expect((await row('users', staff.id)).role).toBe('staff');
    });

    it("should refuse a recipient that sets its own webhook secret, and an organisation, purpose or recipient update that rewrites id or version", async () => {
      await refused(() => t.api().post('/recipients', { name: 'R', kind: 'internal_tool', secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), ['secret'], 'recipients');
      await refused(() => t.api().patch(`/recipients/${recipient}`, { webhookSecret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).set('If-Match', '*'), ['webhookSecret'], 'recipients', recipient);
      await refused(() => t.api().patch(`/recipients/${recipient}`, { retiredAt: null, version: 1 }).set('If-Match', '*'), ['retiredAt', 'version'], 'recipients', recipient);
      await refused(() => t.api(staff.key).patch(`/organisations/${org}`, { id: otherId, version: 5 }).set('If-Match', '*'), ['id', 'version'], 'organisations', org);
      const purpose = (await t.sql<{ id: string }>(`SELECT id FROM purposes WHERE key = 'newsletter'`))[0].id;
      await refused(() => t.api().patch(`/purposes/${purpose}`, { key: 'renamed', retiredAt: null }).set('If-Match', '*'), ['key', 'retiredAt'], 'purposes', purpose);
    });

    it('should refuse a follow-up update that sets who completed it or when', async () => {
      const f = (await t.api(staff.key).post('/follow-ups', { contactId: contact, dueAt: '2026-12-01T09:00:00.000Z', note: 'n' }).expect(201)).body as { id: string };
      await refused(
        () => t.api(staff.key).patch(`/follow-ups/${f.id}`, { status: 'done', completedBy: '00000000-0000-4000-8000-000000000009', completedAt: '2000-01-01T00:00:00Z' }).set('If-Match', '*'),
        ['completedBy', 'completedAt'],
        'follow_ups',
        f.id,
      );
      expect(await versionOf('follow_ups', f.id)).toBe(1);
    });
  });

  describe('no secret, hash or key material in any answer', () => {
    it('should answer every GET operation of the OpenAPI document without secrets, hashes, sealed values or private keys', async () => {
      // Resources with every kind of secret the service stores.
      const hook = await t.api().post('/recipients', { name: 'Hooked', kind: 'partner_organisation', webhookUrl: 'http://127.0.0.1:9/hook' }).expect(201);
      const rotated = await t.api().post(`/recipients/${hook.body.id}/rotate-secret`, {}).expect(200);
      const hookSecrets = [hook.body.secret as string, rotated.body.secret as string];
      expect(hookSecrets.every((s) => s.startsWith('whsec_'))).toBe(true);
      const apiKey = await t.api().post('/api-keys', { name: 'integration', role: 'integration', recipientId: hook.body.id }).expect(201);
      const keys = [t.adminKey, staff.key, apiKey.body.key as string];
      await t.api().post('/signing-keys/rotate', {}).expect((r) => expect([200, 201]).toContain(r.status));
      const calendar = (await t.api(staff.key).post('/follow-ups/calendar-token', {}).expect((r) => expect([200, 201]).toContain(r.status))).body.token as string;
      const pending = await t
        .api(staff.key)
        .post(`/contacts/${contact}/consents`, { purpose: 'newsletter', method: 'email_double_opt_in', noticeVersion: 'v1', confirmed: false })
        .expect(201);
      const confirmationToken = pending.body.confirmationToken as string;
      const granted = await t.api(staff.key).post(`/contacts/${contact}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      const disclosure = await t.api(staff.key).post('/disclosures', { purpose: 'newsletter', recipientId: hook.body.id, contactIds: [contact] }).expect(201);
      await t.api(staff.key).post(`/consents/${granted.body.id}/withdraw`, {}).expect(200); // → a webhook delivery
      const [delivery] = await t.sql<{ id: string }>('SELECT id FROM webhook_deliveries LIMIT 1');
      const event = (await t.api(staff.key).post('/events', { name: 'Fair', startsAt: '2026-11-10T09:00:00.000Z' }).expect(201)).body.id as string;
      const followUp = (await t.api(staff.key).post('/follow-ups', { contactId: contact, dueAt: '2026-12-01T09:00:00.000Z' }).expect(201)).body.id as string;
      const purpose = (await t.sql<{ id: string }>(`SELECT id FROM purposes WHERE key = 'newsletter'`))[0].id;
      const subjectRequest = (await t.api().post('/subject-requests', { kind: 'access', contactId: contact }).expect(201)).body.id as string;

      const stored = [
        ...(await t.sql<{ v: string }>('SELECT key_hash AS v FROM api_keys')).map((r) => r.v),
        ...(await t.sql<{ v: string }>('SELECT webhook_secret_sealed AS v FROM recipients WHERE webhook_secret_sealed IS NOT NULL')).map((r) => r.v),
        ...(await t.sql<{ v: string }>('SELECT private_key_sealed AS v FROM signing_keys')).map((r) => r.v),
      ];
      expect(stored.length).toBeGreaterThanOrEqual(keys.length + 2);
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      const literals = [
        ...keys.map((k) => k.slice(12)), // the secret tail after the public prefix
        ...keys.map(sha),
        ...hookSecrets,
        ...hookSecrets.map((s) => s.slice('whsec_'.length)),
        ...stored,
        calendar,
        sha(calendar),
        confirmationToken,
        sha(confirmationToken),
        process.env.MASTER_KEY!,
      ].filter(Boolean);
      const patterns: [string, RegExp][] = [
        ['webhook secret', /whsec_/],
        ['hash field', /key_?hash|token_?hash|secret_?hash|_sealed|Sealed"/i],
        ['private JWK member', /"(d|p|q|dp|dq|qi|k)"\s*:/],
        ['PEM block', /-----BEGIN [A-Z ]+-----/],
        ['sealed value', /v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\./],
      ];

      const ids: Record<string, string> = {
        users: staff.id,
        'api-keys': apiKey.body.id as string,
        organisations: org,
        contacts: contact,
        interactions: interaction,
        events: event,
        'follow-ups': followUp,
        purposes: purpose,
        recipients: hook.body.id as string,
        consents: pending.body.id as string,
        disclosures: disclosure.body.id as string,
        'webhook-deliveries': delivery.id,
        'subject-requests': subjectRequest,
      };
      const query: Record<string, string> = {
        '/api/v1/consent-check': `?contactId=${contact}&purpose=newsletter&recipientId=${hook.body.id}`,
        '/api/v1/follow-ups.ics': `?token=${encodeURIComponent(calendar)}`,
        '/api/v1/reports/consent-coverage': '?purpose=newsletter',
      };
      const doc = buildOpenApiDocument(t.app);
      const findings: { path: string; status: number; leak: string }[] = [];
      let called = 0;
      for (const [p, item] of Object.entries(doc.paths)) {
        if (!item.get) continue;
        const url =
          p.replace(/\/([a-z-]+)\/\{[A-Za-z]+\}/g, (_m, seg: string) => {
            const id = ids[seg];
            if (!id) throw new Error(`no id to fill ${p} (${seg})`);
            return `/${seg}/${id}`;
          }) + (query[p] ?? '');
        const res = await t.request().get(url).set('X-API-Key', t.adminKey);
        called++;
        expect({ path: p, status: res.status < 400 }).toEqual({ path: p, status: true });
        const text = `${JSON.stringify(res.headers)}\n${res.text ?? ''}\n${res.body && !Buffer.isBuffer(res.body) ? JSON.stringify(res.body) : ''}`;
        for (const [leak, re] of patterns) if (re.test(text)) findings.push({ path: p, status: res.status, leak });
        for (const lit of literals) if (text.includes(lit)) findings.push({ path: p, status: res.status, leak: `literal ${lit.slice(0, 8)}…` });
      }
      expect(findings).toEqual([]);
      expect(called).toBeGreaterThan(40);
    });
  });
});
