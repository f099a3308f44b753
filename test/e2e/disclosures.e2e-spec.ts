import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Disclosures through the gate', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let mailer: string;
  let partner: string;
  let mailerKey: string;

  const contact = async (given: string) => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO contacts (given_name, family_name, emails, job_title, notes) VALUES ($1, 'Example', $2, 'Engineer', 'private note') RETURNING id`,
      [given, JSON.stringify([{ address: `${given.toLowerCase()}@example.org` }])],
    );
    return row.id;
  };
  const grant = (contactId: string, purpose: string, extra: Record<string, unknown> = {}) =>
    t.api(staff).post(`/contacts/${contactId}/consents`, { purpose, method: 'web_form', noticeVersion: 'v1', ...extra }).expect(201);

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    mailer = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool', webhookUrl: 'http://127.0.0.1:9/hook' }).expect(201)).body.id;
    partner = (await t.api().post('/recipients', { name: 'Partner', kind: 'partner_organisation' }).expect(201)).body.id;
    mailerKey = await t.createKey('integration', { recipientId: mailer });
    await t.api().post('/purposes', { key: 'newsletter', name: 'Newsletter', description: 'Monthly news', legalBasis: 'consent', dataCategories: ['givenName', 'emails'] }).expect(201);
    await t.api().post('/purposes', { key: 'membership', name: 'Membership', description: 'Member admin', legalBasis: 'contract', dataCategories: ['givenName', 'familyName', 'jobTitle'] }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should disclose only allowed contacts and only fields both asked for and in dataCategories', async () => {
    const yes = await contact('Grace');
    const no = await contact('Alan');
    const withdrawn = await contact('Barbara');
    await grant(yes, 'newsletter');
    const w = await grant(withdrawn, 'newsletter');
    await t.api(staff).post(`/consents/${w.body.id}/withdraw`, {}).expect(200);
    const unknown = '00000000-0000-4000-8000-0000000000ff';

    const res = await t.api(staff).post('/disclosures', {
      purpose: 'newsletter', recipientId: mailer, contactIds: [yes, no, withdrawn, unknown], fields: ['givenName', 'notes', 'familyName'],
    }).expect(201);
    expect(res.body.id).toEqual(expect.any(String));
    expect(res.body.disclosed).toEqual([{ contactId: yes, data: { givenName: 'Grace' } }]);
    expect(res.body.withheld).toEqual([
      { contactId: no, reason: 'no_consent' },
      { contactId: withdrawn, reason: 'consent_withdrawn' },
      { contactId: unknown, reason: 'unknown_contact' },
    ]);
    expect(typeof res.body.receipt).toBe('string');

    const all = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [yes] }).expect(201);
    expect(all.body.disclosed[0].data).toEqual({ givenName: 'Grace', emails: [{ address: 'grace@example.org', label: null }] });

    const items = await t.sql(`SELECT requested_contact_id, contact_id, allowed, reason, fields FROM disclosure_items WHERE disclosure_id = $1 ORDER BY item_no`, [res.body.id]);
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ requested_contact_id: yes, allowed: true, reason: 'consent_granted', fields: ['givenName'] });
    expect(items[3]).toMatchObject({ requested_contact_id: unknown, contact_id: null, allowed: false, reason: 'unknown_contact' });
    const audit = await t.sql<{ after: unknown }>(`SELECT after FROM audit_events WHERE entity_type = 'disclosure' AND entity_id = $1`, [res.body.id]);
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].after)).not.toContain('Grace');
  });

  it('should disclose under a contract basis without consent, but not after an objection', async () => {
    const c = await contact('Katherine');
    // A contract purpose needs a basis recorded for the person (issue 12): without it, no_basis.
    const none = await t.api(staff).post('/disclosures', { purpose: 'membership', recipientId: partner, contactIds: [c] }).expect(201);
    expect(none.body.withheld).toEqual([{ contactId: c, reason: 'no_basis' }]);
    await t.api(staff).post(`/contacts/${c}/bases`, { purpose: 'membership', reference: 'M-1001' }).expect(201);
    const res = await t.api(staff).post('/disclosures', { purpose: 'membership', recipientId: partner, contactIds: [c] }).expect(201);
    expect(res.body.disclosed).toEqual([{ contactId: c, data: { givenName: 'Katherine', familyName: 'Example', jobTitle: 'Engineer' } }]);
    await t.api(staff).post(`/contacts/${c}/objections`, { purpose: 'membership' }).expect(201);
    const after = await t.api(staff).post('/disclosures', { purpose: 'membership', recipientId: partner, contactIds: [c] }).expect(201);
    expect(after.body.disclosed).toEqual([]);
    expect(after.body.withheld).toEqual([{ contactId: c, reason: 'objection' }]);
  });

  it('should confine an integration key to its own recipient', async () => {
    const c = await contact('Edsger');
    await grant(c, 'newsletter');
    const own = await t.api(mailerKey).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).expect(201);
    expect(own.body.disclosed).toHaveLength(1);
    const other = await t.api(mailerKey).post('/disclosures', { purpose: 'newsletter', recipientId: partner, contactIds: [c] }).expect(403);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.api(mailerKey).get('/disclosures').expect(403);
    await t.api(staff).get('/disclosures').expect(403);
  });

  it('should honour recipient scope in disclosures', async () => {
    const c = await contact('Radia');
    await grant(c, 'newsletter', { recipientIds: [mailer] });
    const res = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: partner, contactIds: [c] }).expect(201);
    expect(res.body.withheld).toEqual([{ contactId: c, reason: 'recipient_not_covered' }]);
  });

  it('should sign a receipt that verifies against /.well-known/jwks.json', async () => {
    const c = await contact('Frances');
    await grant(c, 'newsletter');
    const res = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).expect(201);
    const jwks = await t.request().get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
    const { payload, protectedHeader } = await compactVerify(res.body.receipt, createLocalJWKSet(jwks.body));
    expect(protectedHeader.alg).toBe('EdDSA');
    const record = JSON.parse(new TextDecoder().decode(payload));
    expect(record).toMatchObject({ id: res.body.id, disclosureId: res.body.id, purpose: 'newsletter', recipientId: mailer, fields: ['givenName', 'emails'], withheld: [] });
    expect(record.disclosed).toEqual([expect.objectContaining({ contactId: c, reason: 'consent_granted', legalBasis: 'consent' })]);
    expect(JSON.stringify(record)).not.toContain('frances@example.org');

    // Rotation keeps the old key published, so old receipts still verify.
    const oldKid = decodeProtectedHeader(res.body.receipt).kid;
    await t.api().post('/signing-keys/rotate').expect(200);
    const after = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).expect(201);
    expect(decodeProtectedHeader(after.body.receipt).kid).not.toBe(oldKid);
    const jwks2 = (await t.request().get('/.well-known/jwks.json').expect(200)).body;
    await compactVerify(res.body.receipt, createLocalJWKSet(jwks2));
    await compactVerify(after.body.receipt, createLocalJWKSet(jwks2));
  });

  it('should disclose nothing when the record cannot be written', async () => {
    const c = await contact('Margaret');
    await grant(c, 'newsletter');
    const before = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM disclosures`);
    await t.sql(`CREATE FUNCTION fail_items() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await t.sql(`CREATE TRIGGER fail_items BEFORE INSERT ON disclosure_items FOR EACH ROW EXECUTE FUNCTION fail_items()`);
    try {
      const res = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain('Margaret');
      expect(res.body.disclosed).toBeUndefined();
      expect(res.body.receipt).toBeUndefined();
    } finally {
      await t.sql(`DROP TRIGGER fail_items ON disclosure_items`);
      await t.sql(`DROP FUNCTION fail_items()`);
    }
    expect(await t.sql<{ n: string }>(`SELECT count(*) AS n FROM disclosures`)).toEqual(before);
    const ok = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).expect(201);
    expect(ok.body.disclosed).toHaveLength(1);
  });

  it('should decide after a concurrent withdrawal commits, never on the state before it', async () => {
    const c = await contact('Evelyn');
    const k = await grant(c, 'newsletter');
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      // Another transaction withdraws while holding the contact row, as POST /consents/:id/withdraw does.
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM contacts WHERE id = $1 FOR NO KEY UPDATE', [c]);
      await other.query(`UPDATE consents SET status = 'withdrawn', withdrawn_at = now() WHERE id = $1`, [k.body.id]);
      const pending = t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).then((r) => r);
      // Wait until the disclosure is blocked on the contact's row lock.
      for (let i = 0; i < 200; i++) {
        const waiting = await t.sql(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%' AND datname = current_database()`);
        if (waiting.length) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query('COMMIT');
      const res = await pending;
      expect(res.status).toBe(201);
      expect(res.body.disclosed).toEqual([]);
      expect(res.body.withheld).toEqual([{ contactId: c, reason: 'consent_withdrawn' }]);
    } finally {
      await other.end();
    }
  });

  it('should list disclosures for compliance, filtered by contact and recipient', async () => {
    const c = await contact('Hedy');
    await grant(c, 'newsletter');
    const d = await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c] }).expect(201);
    const byContact = await t.api(compliance).get(`/disclosures?contactId=${c}`).expect(200);
    expect(byContact.body.items.map((i: { id: string }) => i.id)).toEqual([d.body.id]);
    expect(byContact.body.nextCursor).toBeNull();
    const byPartner = await t.api(compliance).get(`/disclosures?recipientId=${partner}&contactId=${c}`).expect(200);
    expect(byPartner.body.items).toEqual([]);
    const future = await t.api().get(`/disclosures?from=2999-01-01T00:00:00Z`).expect(200);
    expect(future.body.items).toEqual([]);
    const page = await t.api(compliance).get('/disclosures?limit=1').expect(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const all = (await t.api(compliance).get('/disclosures?limit=200').expect(200)).body.items.map((x: { id: string }) => x.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t.api(compliance).get(`/disclosures?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).expect(200);
      seen.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 500);
    expect(seen).toEqual(all);
    const one = await t.api(compliance).get(`/disclosures/${d.body.id}`).expect(200);
    expect(one.body.decisions).toEqual([expect.objectContaining({ contactId: c, allowed: true })]);
  });

  it('should answer 404 for an unknown purpose or recipient and 400 for malformed bodies', async () => {
    const c = await contact('Ida');
    await t.api(staff).post('/disclosures', { purpose: 'nope', recipientId: mailer, contactIds: [c] }).expect(404);
    await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: '00000000-0000-4000-8000-000000000000', contactIds: [c] }).expect(404);
    await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: ['nope'] }).expect(400);
    await t.api(staff).post('/disclosures', { purpose: 'newsletter', recipientId: mailer, contactIds: [c], extra: 1 }).expect(400);
  });
});
