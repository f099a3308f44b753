import { parse } from 'csv-parse/sync';
import { createTestApp, TestApp } from '../setup/test-app.js';

const DAY_MS = 86_400_000;
const daysFromNow = (n: number) => new Date(Date.now() + n * DAY_MS).toISOString();
const thisMonth = () => new Date().toISOString().slice(0, 7);

describe('Compliance reports: Art. 30 record, disclosures, consents expiring, subject requests', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  let integration: string;
  const r: Record<string, { id: string; name: string; kind: string }> = {};
  const c: Record<string, string> = {};

  const newContact = async (name: string) =>
    (
      await t
        .api()
        .post('/contacts', { givenName: name, familyName: 'Report', emails: [{ address: `${name.toLowerCase()}@reports.example` }] })
        .expect(201)
    ).body.id as string;
  const consent = (id: string, purpose: string, extra: Record<string, unknown> = {}) =>
    t.api().post(`/contacts/${id}/consents`, { purpose, method: 'web_form', noticeVersion: 'v1', ...extra }).expect(201);

  beforeAll(async () => {
    t = await createTestApp({ env: { CONTROLLER_NAME: 'Muster Hochschule e.V.' } });
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
    for (const [key, name, kind] of [
      ['crm', 'Alumni CRM', 'internal_tool'],
      ['partner', 'Partner Verlag', 'partner_organisation'],
      ['unused', 'Unused Tool', 'internal_tool'],
    ] as const) {
      const res = await t.api().post('/recipients', { name, kind }).expect(201);
      r[key] = { id: res.body.id, name, kind };
    }
    integration = await t.createKey('integration', { recipientId: r.crm.id });
    const purpose = (body: Record<string, unknown>) =>
      t.api().post('/purposes', { description: '', dataCategories: ['givenName', 'emails'], ...body }).expect(201);
    await purpose({ key: 'newsletter', name: 'Newsletter', description: 'Monthly news', legalBasis: 'consent', retentionDays: 30 });
    await purpose({ key: 'contracts', name: '=HYPERLINK("http://evil.example")', legalBasis: 'contract', dataCategories: ['givenName'] });
    const retired = await purpose({ key: 'old-campaign', name: 'Old campaign', legalBasis: 'consent' });
    await t.api().delete(`/purposes/${retired.body.id}`).expect(204);

    c.anna = await newContact('Anna');
    c.bert = await newContact('Bert');
    c.cara = await newContact('Cara');
    // Anna's consent names the partner; Bert's names no recipient (covers every one, names none).
    await consent(c.anna, 'newsletter', { recipientIds: [r.partner.id], expiresAt: daysFromNow(10) });
    await consent(c.bert, 'newsletter', { expiresAt: daysFromNow(40) });
    // The retired purpose's consent names the unused tool: not in the record (the purpose is retired).
    await t.sql(
      `INSERT INTO consents (contact_id, purpose_id, recipient_ids, status, method, notice_version)
       SELECT $1, id, ARRAY[$2::uuid], 'granted', 'web_form', 'v1' FROM purposes WHERE key = 'old-campaign'`,
      [c.cara, r.unused.id],
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /reports/processing-activities (Art. 30)', () => {
    beforeAll(async () => {
      // The CRM receives Bert (allowed) and Cara (withheld: no consent) under the newsletter purpose.
      await t.api().post('/disclosures', { purpose: 'newsletter', recipientId: r.crm.id, contactIds: [c.bert, c.cara] }).expect(201);
    });

    it('one activity per purpose not retired; recipients that received data or are named in a consent', async () => {
      const res = await t.api(compliance).get('/reports/processing-activities').expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        controller: 'Muster Hochschule e.V.',
        generatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        activities: [
          {
            purpose: 'contracts',
            name: '=HYPERLINK("http://evil.example")',
            description: '',
            legalBasis: 'contract',
            dataCategories: ['givenName'],
            recipients: [],
            retentionDays: null,
          },
          {
            purpose: 'newsletter',
            name: 'Newsletter',
            description: 'Monthly news',
            legalBasis: 'consent',
            dataCategories: ['givenName', 'emails'],
            recipients: [r.crm, r.partner],
            retentionDays: 30,
          },
        ],
      });
    });

    it('a disclosure that withheld everyone gave no data: its recipient is not listed', async () => {
      await t.api().post('/disclosures', { purpose: 'contracts', recipientId: r.unused.id, contactIds: [c.cara] }).expect(201);
      const res = await t.api(compliance).get('/reports/processing-activities').expect(200);
      expect(res.body.activities.find((a: { purpose: string }) => a.purpose === 'contracts').recipients).toEqual([]);
    });

    it('as CSV with Accept: text/csv or ?format=csv: a header row, one row per purpose, formulas defused', async () => {
      for (const call of [
        () => t.api(compliance).get('/reports/processing-activities').set('Accept', 'text/csv'),
        () => t.api(compliance).get('/reports/processing-activities?format=csv'),
      ]) {
        const res = await call().expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        const rows = parse(res.text, { columns: true }) as Record<string, string>[];
        expect(rows.map((row) => row.purpose)).toEqual(['contracts', 'newsletter']);
        expect(rows[1]).toMatchObject({
          name: 'Newsletter',
          description: 'Monthly news',
          legalBasis: 'consent',
          dataCategories: 'givenName; emails',
          retentionDays: '30',
          controller: 'Muster Hochschule e.V.',
        });
        expect(rows[1].recipients).toContain('Alumni CRM (internal_tool');
        expect(rows[1].recipients).toContain('Partner Verlag (partner_organisation');
        expect(rows[0].name).toBe(`'=HYPERLINK("http://evil.example")`);
      }
      // format=json wins over Accept.
      const json = await t.api(compliance).get('/reports/processing-activities?format=json').set('Accept', 'text/csv').expect(200);
      expect(json.body.controller).toBe('Muster Hochschule e.V.');
      await t.api(compliance).get('/reports/processing-activities?format=pdf').expect(400);
    });
  });

  describe('GET /reports/disclosures', () => {
    it('per recipient and month: disclosed (once per disclosure) and withheld by reason, within [from, to)', async () => {
      const month = thisMonth();
      const before = await t.api(compliance).get('/reports/disclosures').expect(200);
      const crmNow = before.body.items.find((i: { recipientId: string; month: string }) => i.recipientId === r.crm.id && i.month === month);
      // Bert was disclosed again: counted once per disclosure.
      await t.api().post('/disclosures', { purpose: 'newsletter', recipientId: r.crm.id, contactIds: [c.bert, c.anna] }).expect(201);
      // A disclosure in March 2025 (backdated: the API records the time of the request).
      const old = await t.api().post('/disclosures', { purpose: 'newsletter', recipientId: r.partner.id, contactIds: [c.anna, c.cara] }).expect(201);
      await t.sql(`UPDATE disclosures SET created_at = '2025-03-10T12:00:00Z' WHERE id = $1`, [old.body.id]);

      const res = await t.api(compliance).get('/reports/disclosures').expect(200);
      expect(res.body.items).toContainEqual({ recipientId: r.partner.id, month: '2025-03', disclosed: 1, withheld: { no_consent: 1 } });
      expect(res.body.items).toContainEqual({
        recipientId: r.crm.id,
        month,
        disclosed: crmNow.disclosed + 1,
        withheld: { ...crmNow.withheld, recipient_not_covered: 1 },
      });
      expect(res.body.items).toContainEqual({ recipientId: r.unused.id, month, disclosed: 0, withheld: { no_basis: 1 } });
      expect(crmNow).toEqual({ recipientId: r.crm.id, month, disclosed: 1, withheld: { no_consent: 1 } });
      // Ordered by month.
      expect(res.body.items[0].month).toBe('2025-03');

      const march = await t.api(compliance).get('/reports/disclosures?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z').expect(200);
      expect(march.body).toEqual({ items: [{ recipientId: r.partner.id, month: '2025-03', disclosed: 1, withheld: { no_consent: 1 } }] });
      const after = await t.api(compliance).get('/reports/disclosures?from=2025-03-10T12:00:01Z').expect(200);
      expect(after.body.items.map((i: { month: string }) => i.month)).not.toContain('2025-03');
      await t.api(compliance).get('/reports/disclosures?from=2025-04-01&to=2025-03-01').expect(400);
      await t.api(compliance).get('/reports/disclosures?from=yesterday').expect(400);
    });
  });

  describe('GET /reports/consents-expiring', () => {
    it('live consents expiring within withinDays (default 30), soonest first, paginated; erased contacts left out', async () => {
      const dora = await newContact('Dora');
      const early = await consent(dora, 'newsletter', { expiresAt: daysFromNow(5) });
      const emil = await newContact('Emil');
      await consent(emil, 'newsletter', { expiresAt: daysFromNow(3) });
      await t.api(compliance).post(`/contacts/${emil}/erase`, {}).expect(200);
      const withdrawn = await consent(dora, 'newsletter', { expiresAt: daysFromNow(6) });
      await t.api().post(`/consents/${withdrawn.body.id}/withdraw`, {}).expect(200);
      await consent(dora, 'newsletter', { obtainedAt: '2024-01-01T00:00:00Z', expiresAt: '2024-06-01T00:00:00Z' });

      const res = await t.api(compliance).get('/reports/consents-expiring').expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items.map((i: { contactId: string }) => i.contactId)).toEqual([dora, c.anna]);
      expect(res.body.items[0]).toEqual({ consentId: early.body.id, contactId: dora, purpose: 'newsletter', expiresAt: early.body.expiresAt });

      const wider = await t.api(compliance).get('/reports/consents-expiring?withinDays=60').expect(200);
      expect(wider.body.items.map((i: { contactId: string }) => i.contactId)).toEqual([dora, c.anna, c.bert]);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { contactId: string }[]; nextCursor: string | null } } = await t.api(compliance).get(`/reports/consents-expiring?withinDays=60&limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.body.items.map((i) => i.contactId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([dora, c.anna, c.bert]);

      await t.api(compliance).get('/reports/consents-expiring?withinDays=0').expect(400);
      await t.api(compliance).get('/reports/consents-expiring?withinDays=abc').expect(400);
      await t.api(compliance).get(`/reports/consents-expiring?cursor=${Buffer.from('["x","y"]').toString('base64url')}`).expect(400);
    });
  });

  describe('GET /reports/subject-requests', () => {
    it('counts by kind and status, overdue, and the median days to answer', async () => {
      const empty = await t.api(compliance).get('/reports/subject-requests').expect(200);
      expect(empty.body).toEqual({
        byKind: { access: 0, rectification: 0, erasure: 0, restriction: 0, portability: 0, objection: 0 },
        byStatus: { open: 0, done: 0, rejected: 0, extended: 0 },
        overdue: 0,
        medianDaysToAnswer: null,
      });
      // Answered after 4, 10 and 20 days; one open and overdue; one extended, not yet due; one open, due later.
      await t.sql(
        `INSERT INTO subject_requests (kind, status, received_at, due_at, closed_at) VALUES
           ('access',  'done',     '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-05T00:00:00Z'),
           ('erasure', 'done',     '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-11T00:00:00Z'),
           ('access',  'rejected', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-01-21T00:00:00Z'),
           ('access',  'open',     '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', NULL),
           ('objection', 'extended', now() - interval '40 days', now() + interval '50 days', NULL),
           ('portability', 'open', now(), now() + interval '30 days', NULL)`,
      );
      const res = await t.api(compliance).get('/reports/subject-requests').expect(200);
      expect(res.body).toEqual({
        byKind: { access: 3, rectification: 0, erasure: 1, restriction: 0, portability: 1, objection: 1 },
        byStatus: { open: 2, done: 2, rejected: 1, extended: 1 },
        overdue: 1,
        medianDaysToAnswer: 10,
      });
    });
  });

  it('every report is for admin and compliance only: staff and integration keys get 403', async () => {
    const paths = ['/reports/processing-activities', '/reports/processing-activities?format=csv', '/reports/disclosures', '/reports/consents-expiring', '/reports/subject-requests'];
    for (const p of paths) {
      await t.api(staff).get(p).expect(403);
      await t.api(integration).get(p).expect(403);
      await t.api().get(p).expect(200);
      await t.request().get(`/api/v1${p}`).expect(401);
    }
  });
});
