import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../setup/test-app.js';

/**
 * OWASP API Security Top 10 2023 — API6: Unrestricted Access to Sensitive Business Flows.
 *
 * The business flows an attacker with a machine key would abuse here are bulk import (writing contacts) and the
 * gate (consent check, disclosure) used as a contact directory: guess or collect ids, and learn who exists or
 * read their data. The integration role exists to call the gate for its own recipient only.
 *
 * What the contract itself reveals: API.md lists `unknown_contact` among the gate's reasons, so a caller of the
 * check learns whether an id is a contact (`unknown_contact` vs `no_consent`). With random UUIDs (122 random bits)
 * that cannot be used to discover contacts; it only confirms ids the caller already holds. The tests below check
 * exactly what the contract promises — the same status, the same shape, allowed: false, no consent id, no basis
 * and never a personal field for an id that is unknown, erased or not allowed — and that the existence signal
 * stays confined to `reason`.
 */
describe('OWASP API6 — sensitive business flows', () => {
  let t: TestApp;
  let staffKey: string;
  let integrationKey: string;
  let recipient: string;
  let unconsented: string;
  let consented: string;
  let erased: string;
  const PII = /Ada|Lovelace|Grace|Hopper|Edsger|Dijkstra|@example\.org|\+49/;

  const contact = async (given: string, family: string) =>
    (
      await t.sql<{ id: string }>(
        `INSERT INTO contacts (given_name, family_name, emails, phones, job_title) VALUES ($1, $2, $3, $4, 'Engineer') RETURNING id`,
        [given, family, JSON.stringify([{ address: `${given.toLowerCase()}@example.org` }]), JSON.stringify([{ number: '+4930123456' }])],
      )
    )[0].id;
  const contactCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM contacts'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    staffKey = await t.createKey('staff');
    recipient = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id as string;
    integrationKey = await t.createKey('integration', { recipientId: recipient });
    await t.api().post('/purposes', { key: 'newsletter', name: 'Newsletter', description: 'News', legalBasis: 'consent', dataCategories: ['givenName', 'familyName', 'emails'] }).expect(201);
    unconsented = await contact('Ada', 'Lovelace');
    consented = await contact('Grace', 'Hopper');
    await t.api(staffKey).post(`/contacts/${consented}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(201);
    erased = await contact('Edsger', 'Dijkstra');
    await t.api().post(`/contacts/${erased}/erase`, {}).expect((r) => expect([200, 201]).toContain(r.status));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('an integration key cannot use the contact flows', () => {
    it('should refuse (403) an import by an integration key, dry run or not, and create nothing', async () => {
      const n = await contactCount();
      const csv = 'givenName,familyName,email\nMallory,Import,mallory@example.net\n';
      for (const q of ['', '?dryRun=true']) {
        const res = await t.request().post(`/api/v1/contacts/import${q}`).set('X-API-Key', integrationKey).set('Content-Type', 'text/csv').send(csv);
        expect({ q, status: res.status }).toEqual({ q, status: 403 });
      }
      const vcard = 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mallory Import\r\nN:Import;Mallory;;;\r\nEMAIL:mallory@example.net\r\nEND:VCARD\r\n';
      await t.request().post('/api/v1/contacts/import').set('X-API-Key', integrationKey).set('Content-Type', 'text/vcard').send(vcard).expect(403);
      expect(await contactCount()).toBe(n);
    });

    it('should refuse (403) an integration key every way of listing, searching or reading contacts', async () => {
      const attempts: [string, () => Promise<{ status: number; text: string }>][] = [
        ['GET /contacts', () => t.api(integrationKey).get('/contacts')],
        ['GET /contacts?q=', () => t.api(integrationKey).get('/contacts?q=Ada')],
        ['POST /contacts/search', () => t.api(integrationKey).post('/contacts/search', { q: 'Ada' })],
        ['GET /contacts/duplicates', () => t.api(integrationKey).get('/contacts/duplicates')],
        ['GET /contacts/:id', () => t.api(integrationKey).get(`/contacts/${unconsented}`)],
        ['GET /contacts/:id/vcard', () => t.api(integrationKey).get(`/contacts/${unconsented}/vcard`)],
        ['GET /contacts/:id/export', () => t.api(integrationKey).get(`/contacts/${unconsented}/export`)],
        ['GET /contacts/:id/consents', () => t.api(integrationKey).get(`/contacts/${consented}/consents`)],
        ['GET /disclosures', () => t.api(integrationKey).get(`/disclosures?recipientId=${recipient}`)],
        ['GET /audit-events', () => t.api(integrationKey).get(`/audit-events?contactId=${unconsented}`)],
        ['GET /reports/consent-coverage', () => t.api(integrationKey).get('/reports/consent-coverage?purpose=newsletter')],
      ];
      for (const [what, call] of attempts) {
        const res = await call();
        expect({ what, status: res.status }).toEqual({ what, status: 403 });
        expect(res.text).not.toMatch(PII);
      }
    });
  });

  describe('the gate used as a contact directory', () => {
    const unknown = () => randomUUID();

    it('should answer an unknown id and an existing, unconsented one alike, except for the reason the contract names (single check)', async () => {
      const check = (id: string) => t.api(integrationKey).get(`/consent-check?contactId=${id}&purpose=newsletter`);
      const a = await check(unknown());
      const b = await check(unconsented);
      const e = await check(erased);
      for (const res of [a, b, e]) {
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(['allowed', 'consentId', 'legalBasis', 'reason']);
        expect(res.body).toMatchObject({ allowed: false, consentId: null, legalBasis: null });
        expect(res.text).not.toMatch(PII);
      }
      expect([a.body.reason, b.body.reason, e.body.reason]).toEqual(['unknown_contact', 'no_consent', 'contact_erased']);
    });

    it('should answer a bulk check of guessed ids with one result per id, each without personal data, allowed only where consented', async () => {
      const guessed = [unknown(), unconsented, unknown(), consented, erased];
      const res = await t.api(integrationKey).post('/consent-check', { purpose: 'newsletter', recipientId: recipient, contactIds: guessed }).expect(200);
      expect(res.text).not.toMatch(PII);
      expect((res.body.results as { contactId: string }[]).map((r) => r.contactId)).toEqual(guessed);
      for (const r of res.body.results as { contactId: string; allowed: boolean }[]) {
        expect(Object.keys(r).sort()).toEqual(['allowed', 'consentId', 'contactId', 'legalBasis', 'reason']);
        expect({ id: r.contactId, allowed: r.allowed }).toEqual({ id: r.contactId, allowed: r.contactId === consented });
      }
    });

    it('should refuse (400) a bulk check or a disclosure of more than 10,000 guessed ids, before any lookup', async () => {
      const many = Array.from({ length: 10_001 }, () => randomUUID());
      await t.api(integrationKey).post('/consent-check', { purpose: 'newsletter', recipientId: recipient, contactIds: many }).expect(400);
      const n = Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM disclosures'))[0].n);
      await t.api(integrationKey).post('/disclosures', { purpose: 'newsletter', recipientId: recipient, contactIds: many }).expect(400);
      expect(Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM disclosures'))[0].n)).toBe(n);
    });

    it('should disclose only the consented contact among guessed ids, and withhold the rest with a reason only', async () => {
      const guessed = [unknown(), unconsented, consented, erased];
      for (const key of [integrationKey, staffKey]) {
        const res = await t.api(key).post('/disclosures', { purpose: 'newsletter', recipientId: recipient, contactIds: guessed, fields: ['givenName', 'familyName', 'emails', 'phones', 'jobTitle', 'notes'] }).expect(201);
        expect(res.body.disclosed).toEqual([{ contactId: consented, data: { givenName: 'Grace', familyName: 'Hopper', emails: [{ address: 'grace@example.org', label: null }] } }]);
        for (const w of res.body.withheld as Record<string, unknown>[]) expect(Object.keys(w).sort()).toEqual(['contactId', 'reason']);
        expect(JSON.stringify(res.body.withheld)).not.toMatch(PII);
        expect((res.body.withheld as { contactId: string }[]).map((w) => w.contactId)).toEqual([guessed[0], unconsented, erased]);
      }
    });

    it('should not let staff or integration read the disclosure log to learn who was disclosed (403)', async () => {
      const d = await t.api(staffKey).post('/disclosures', { purpose: 'newsletter', recipientId: recipient, contactIds: [consented] }).expect(201);
      for (const key of [staffKey, integrationKey]) {
        await t.api(key).get('/disclosures').expect(403);
        await t.api(key).get(`/disclosures?contactId=${consented}`).expect(403);
        await t.api(key).get(`/disclosures/${d.body.id}`).expect(403);
      }
    });

    it('should not let a guessed confirmation token or calendar token reveal anything (public flows)', async () => {
      const confirm = await t.request().post('/api/v1/consents/confirm').send({ token: randomUUID().replace(/-/g, '') });
      expect([400, 404]).toContain(confirm.status);
      expect(confirm.text).not.toMatch(PII);
      const feed = await t.request().get(`/api/v1/follow-ups.ics?token=${randomUUID().replace(/-/g, '')}`);
      expect([400, 401, 404]).toContain(feed.status);
      expect(feed.text).not.toMatch(PII);
    });
  });

  describe('purposes on a basis other than consent', () => {
    /*
     * API.md: a purpose whose legalBasis is `contract`, `legal_obligation`, `vital_interests` or `public_task` "allows a
     * contact only when a basis for that person is recorded … Without one the check answers reason: no_basis" (issue
     * 12: fixed; this was an `it.failing` finding before). Without the rule an integration bound to its recipient
     * could disclose any contact whose id it holds.
     */
    it('should not disclose a contact under a contract purpose without a basis recorded for that person (reason no_basis)', async () => {
      await t.api().post('/purposes', { key: 'membership', name: 'Membership', description: 'Members', legalBasis: 'contract', dataCategories: ['givenName', 'emails'] }).expect(201);
      const res = await t.api(integrationKey).post('/disclosures', { purpose: 'membership', recipientId: recipient, contactIds: [unconsented] }).expect(201);
      expect(res.body.disclosed).toEqual([]);
      expect(res.body.withheld).toEqual([{ contactId: unconsented, reason: 'no_basis' }]);
    });
  });
});
