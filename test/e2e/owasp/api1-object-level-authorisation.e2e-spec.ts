import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../setup/test-app.js';

/**
 * OWASP API Security Top 10 2023 — API1: Broken Object Level Authorisation.
 *
 * Black box: every attack goes through HTTP with a real key of the attacking role; the database is read with
 * t.sql to prove nothing changed. Each `it` names the attack it tries.
 */
describe('OWASP API1 — object-level authorisation', () => {
  let t: TestApp;
  interface Staff {
    id: string;
    key: string;
  }
  let alice: Staff; // author of the confidential interaction
  let bob: Staff; // another staff member, not a participant
  let assignee: Staff; // assignee of the confidential interaction's follow-up
  let keyOnlyStaff: string; // a staff key without a user
  let complianceKey: string;
  let mailer: string; // recipient of the integration key below
  let partner: string; // another recipient
  let mailerKey: string;
  let org: string;
  let contactA: string;
  let contactB: string;
  let confidentialId: string;
  const SECRET_SUMMARY = `Merger talks with the board ${randomUUID()}`;
  const SECRET_NOTE = `Ask about the takeover price ${randomUUID()}`;

  const user = async (name: string): Promise<Staff> => {
    const r = await t.api().post('/users', { name, email: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@example.test`, role: 'staff' }).expect(201);
    return { id: r.body.id as string, key: await t.createKey('staff', { userId: r.body.id }) };
  };
  const contact = async (given: string) =>
    (await t.sql<{ id: string }>(`INSERT INTO contacts (given_name, family_name, organisation_id) VALUES ($1, 'Example', $2) RETURNING id`, [given, org]))[0].id;
  const grant = async (contactId: string, recipientIds?: string[]) =>
    (await t.api().post(`/contacts/${contactId}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', ...(recipientIds ? { recipientIds } : {}) }).expect(201)).body
      .id as string;
  const consentRow = async (id: string) =>
    (await t.sql<{ status: string; withdrawn_at: Date | null }>('SELECT status, withdrawn_at FROM consents WHERE id = $1', [id]))[0];
  const disclosures = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM disclosures'))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    alice = await user('Alice');
    bob = await user('Bob');
    assignee = await user('Kim');
    keyOnlyStaff = await t.createKey('staff');
    complianceKey = await t.createKey('compliance');
    mailer = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id as string;
    partner = (await t.api().post('/recipients', { name: 'Partner', kind: 'partner_organisation' }).expect(201)).body.id as string;
    mailerKey = await t.createKey('integration', { recipientId: mailer });
    await t.api().post('/purposes', { key: 'newsletter', name: 'Newsletter', description: 'Monthly news', legalBasis: 'consent', dataCategories: ['givenName', 'emails'] }).expect(201);
    org = (await t.sql<{ id: string }>(`INSERT INTO organisations (name, kind) VALUES ('Acme', 'company') RETURNING id`))[0].id;
    contactA = await contact('Ada');
    contactB = await contact('Grace');
    const created = await t
      .api(alice.key)
      .post('/interactions', {
        type: 'meeting',
        occurredAt: '2026-11-02T10:00:00.000Z',
        summary: SECRET_SUMMARY,
        contactIds: [contactA],
        organisationIds: [org],
        confidential: true,
        followUp: { assigneeId: assignee.id, note: SECRET_NOTE, dueAt: '2026-11-09T10:00:00.000Z' },
      })
      .expect(201);
    confidentialId = created.body.id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  describe("a staff key reading another author's confidential interaction", () => {
    /** Every read path that returns interactions or their follow-ups to a staff member. */
    const readPaths = () => [
      `/interactions/${confidentialId}`,
      `/interactions?contactId=${contactA}`,
      `/interactions?authorId=${alice.id}`,
      `/interactions`,
      `/contacts/${contactA}/interactions`,
      `/organisations/${org}/interactions`,
      `/follow-ups`,
      `/follow-ups?assigneeId=${assignee.id}`,
    ];

    it('should hide the summary (summary: null, summaryHidden: true) from a staff member who is not its author, on every read path', async () => {
      const one = await t.api(bob.key).get(`/interactions/${confidentialId}`).expect(200);
      expect(one.body).toMatchObject({ id: confidentialId, confidential: true, summary: null, summaryHidden: true });
      const timeline = await t.api(bob.key).get(`/contacts/${contactA}/interactions`).expect(200);
      expect(timeline.body.items).toEqual([expect.objectContaining({ id: confidentialId, summary: null, summaryHidden: true })]);
      for (const p of readPaths()) {
        const res = await t.api(bob.key).get(p);
        expect({ path: p, status: res.status }).toEqual({ path: p, status: 200 });
        expect({ path: p, leaks: JSON.stringify(res.body).includes(SECRET_SUMMARY) }).toEqual({ path: p, leaks: false });
      }
    });

    it("should hide the confidential interaction's follow-up note from staff who are neither author, participant nor assignee", async () => {
      for (const p of readPaths()) {
        const res = await t.api(bob.key).get(p).expect(200);
        expect({ path: p, leaks: JSON.stringify(res.body).includes(SECRET_NOTE) }).toEqual({ path: p, leaks: false });
      }
      const list = await t.api(bob.key).get(`/follow-ups?assigneeId=${assignee.id}`).expect(200);
      expect(list.body.items).toEqual([expect.objectContaining({ note: null, noteHidden: true })]);
    });

    it('should hide the summary from a staff key without a user (it is not the author either)', async () => {
      for (const p of readPaths()) {
        const res = await t.api(keyOnlyStaff).get(p).expect(200);
        expect({ path: p, leaks: JSON.stringify(res.body).includes(SECRET_SUMMARY) }).toEqual({ path: p, leaks: false });
      }
    });

    it('should still show it to its author and to compliance (the attack above is not a blanket redaction)', async () => {
      const own = await t.api(alice.key).get(`/interactions/${confidentialId}`).expect(200);
      expect(own.body).toMatchObject({ summary: SECRET_SUMMARY, summaryHidden: false });
      const audit = await t.api(complianceKey).get(`/contacts/${contactA}/interactions`).expect(200);
      expect(audit.body.items[0]).toMatchObject({ summary: SECRET_SUMMARY });
      // The assignee reads the follow-up's note, not the interaction's summary.
      const assigned = await t.api(assignee.key).get(`/follow-ups?assigneeId=${assignee.id}`).expect(200);
      expect(assigned.body.items[0]).toMatchObject({ note: SECRET_NOTE });
      const seen = await t.api(assignee.key).get(`/interactions/${confidentialId}`).expect(200);
      expect(seen.body).toMatchObject({ summary: null, summaryHidden: true });
    });

    it("should refuse (403) a staff member rewriting or archiving another author's confidential interaction, and change nothing", async () => {
      const before = (await t.sql<{ summary: string; version: number; archived_at: Date | null }>('SELECT summary, version, archived_at FROM interactions WHERE id = $1', [confidentialId]))[0];
      await t.api(bob.key).patch(`/interactions/${confidentialId}`, { confidential: false }).set('If-Match', `"${before.version}"`).expect(403);
      await t.api(bob.key).patch(`/interactions/${confidentialId}`, { summary: 'overwritten' }).set('If-Match', `"${before.version}"`).expect(403);
      await t.api(bob.key).delete(`/interactions/${confidentialId}`).set('If-Match', `"${before.version}"`).expect(403);
      const after = (await t.sql('SELECT summary, version, archived_at FROM interactions WHERE id = $1', [confidentialId]))[0];
      expect(after).toEqual(before);
    });
  });

  describe('an integration key acting for another recipient', () => {
    it("should refuse (403) a single consent check for another recipient", async () => {
      await t.api(mailerKey).get(`/consent-check?contactId=${contactA}&purpose=newsletter&recipientId=${partner}`).expect(403);
      // Upper-cased, the other recipient's id is the same recipient.
      await t.api(mailerKey).get(`/consent-check?contactId=${contactA}&purpose=newsletter&recipientId=${partner.toUpperCase()}`).expect(403);
      // Its own recipient (explicit or implied) is allowed: the 403 is about the object, not the route.
      await t.api(mailerKey).get(`/consent-check?contactId=${contactA}&purpose=newsletter&recipientId=${mailer}`).expect(200);
    });

    it('should refuse (403) a bulk consent check for another recipient', async () => {
      await t.api(mailerKey).post('/consent-check', { purpose: 'newsletter', recipientId: partner, contactIds: [contactA, contactB] }).expect(403);
      await t.api(mailerKey).post('/consent-check', { purpose: 'newsletter', recipientId: mailer, contactIds: [contactA] }).expect(200);
    });

    it('should refuse (403) a disclosure to another recipient and record none', async () => {
      await grant(contactA);
      const n = await disclosures();
      const res = await t.api(mailerKey).post('/disclosures', { purpose: 'newsletter', recipientId: partner, contactIds: [contactA] });
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('Ada');
      expect(await disclosures()).toBe(n);
      const rows = await t.sql('SELECT 1 FROM disclosures WHERE recipient_id = $1', [partner]);
      expect(rows).toEqual([]);
    });

    it('should refuse (403) withdrawing a consent that covers only another recipient, and leave it granted', async () => {
      const other = await grant(contactB, [partner]);
      const res = await t.api(mailerKey).post(`/consents/${other}/withdraw`, { reason: 'unsubscribed' });
      expect(res.status).toBe(403);
      expect(await consentRow(other)).toEqual({ status: 'granted', withdrawn_at: null });
      // ...also when its recipients name another recipient alongside a third one, upper-cased in the path.
      await t.api(mailerKey).post(`/consents/${other.toUpperCase()}/withdraw`, {}).expect(403);
      expect(await consentRow(other)).toEqual({ status: 'granted', withdrawn_at: null });
    });

    it('should allow withdrawing a consent that covers its own recipient (control for the 403 above)', async () => {
      const own = await grant(contactB, [mailer, partner]);
      await t.api(mailerKey).post(`/consents/${own}/withdraw`, {}).expect(200);
      expect((await consentRow(own)).status).toBe('withdrawn');
      const everyone = await grant(contactB);
      await t.api(mailerKey).post(`/consents/${everyone}/withdraw`, {}).expect(200);
    });

    it("should refuse (403) an integration reading a consent record or a contact's consents directly", async () => {
      const c = await grant(contactA, [mailer]);
      await t.api(mailerKey).get(`/consents/${c}`).expect(403);
      await t.api(mailerKey).get(`/consents/${c}/receipt`).expect(403);
      await t.api(mailerKey).get(`/contacts/${contactA}/consents`).expect(403);
      await t.api(mailerKey).get(`/contacts/${contactA}`).expect(403);
    });
  });

  describe("another resource's id in a nested path answers 404, never its data", () => {
    let consentOfB: string;
    let affiliationOfB: string;
    let interactionId: string;
    let eventId: string;

    beforeAll(async () => {
      consentOfB = await grant(contactB);
      affiliationOfB = (await t.api(alice.key).post(`/contacts/${contactB}/affiliations`, { organisationId: org, jobTitle: 'CTO' }).expect(201)).body.id as string;
      interactionId = (await t.api(alice.key).post('/interactions', { type: 'call', occurredAt: '2026-11-03T10:00:00.000Z', summary: 'Call', contactIds: [contactB] }).expect(201)).body.id as string;
      eventId = (await t.api(alice.key).post('/events', { name: 'Fair', startsAt: '2026-11-10T09:00:00.000Z' }).expect(201)).body.id as string;
    });

    it("should answer 404 to B's consent id used as the contact in /contacts/{id}/consents (GET and POST) and write nothing", async () => {
      const n = Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM consents'))[0].n);
      await t.api(alice.key).get(`/contacts/${consentOfB}/consents`).expect(404);
      await t.api(alice.key).post(`/contacts/${consentOfB}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1' }).expect(404);
      await t.api(alice.key).get(`/contacts/${consentOfB}/objections`).expect(404);
      await t.api(alice.key).post(`/contacts/${consentOfB}/objections`, { purpose: 'newsletter' }).expect(404);
      expect(Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM consents'))[0].n)).toBe(n);
    });

    it("should answer 404 to B's affiliation id used as a contact or organisation id, never B's affiliation", async () => {
      for (const p of [`/contacts/${affiliationOfB}/affiliations`, `/contacts/${affiliationOfB}`, `/organisations/${affiliationOfB}/contacts`]) {
        const res = await t.api(alice.key).get(p);
        expect({ path: p, status: res.status }).toEqual({ path: p, status: 404 });
        expect(JSON.stringify(res.body)).not.toContain('CTO');
      }
      await t.api(alice.key).post(`/contacts/${affiliationOfB}/affiliations`, { organisationId: org }).expect(404);
      // A's affiliations never include B's.
      const own = await t.api(alice.key).get(`/contacts/${contactA}/affiliations`).expect(200);
      expect((own.body.items as { id: string }[]).map((a) => a.id)).not.toContain(affiliationOfB);
    });

    it('should answer 404 to ids of other kinds in every nested read path', async () => {
      const wrongKind: [string, string][] = [
        ['contact slot ← interaction id', `/contacts/${interactionId}/interactions`],
        ['contact slot ← organisation id', `/contacts/${org}/relationships`],
        ['contact slot ← event id', `/contacts/${eventId}/duplicates`],
        ['contact slot ← consent id', `/contacts/${consentOfB}/vcard`],
        ['organisation slot ← contact id', `/organisations/${contactB}/interactions`],
        ['organisation slot ← contact id', `/organisations/${contactB}/memberships`],
        ['organisation slot ← contact id', `/organisations/${contactB}/reviews`],
        ['user slot ← contact id', `/users/${contactB}/relationships`],
        ['event slot ← interaction id', `/events/${interactionId}/summary`],
        ['consent slot ← contact id', `/consents/${contactB}`],
        ['consent slot ← contact id', `/consents/${contactB}/receipt`],
        ['interaction slot ← consent id', `/interactions/${consentOfB}`],
      ];
      for (const [what, p] of wrongKind) {
        const res = await t.api(alice.key).get(p);
        expect({ what, path: p, status: res.status }).toEqual({ what, path: p, status: 404 });
        expect(JSON.stringify(res.body)).not.toMatch(/Grace|Ada/);
      }
    });

    // A body reference that names no resource of the expected kind is refused before anything is read or moved.
    // The codes differ (merge and affiliations answer 400 VALIDATION_FAILED naming the field, consents 404
    // RECIPIENT_NOT_FOUND; the README's rule for interactions says 404): both are refusals that name no data.
    it("should refuse another kind's id in a body reference (merge duplicateId, affiliation organisationId, consent recipientIds) and change nothing", async () => {
      const before = await t.sql('SELECT id, merged_into_id, version FROM contacts WHERE id = ANY($1) ORDER BY id', [[contactA, contactB]]);
      const affiliations = await t.sql('SELECT count(*) AS n FROM contact_affiliations');
      const attempts = [
        await t.api(alice.key).post(`/contacts/${contactA}/merge`, { duplicateId: consentOfB }),
        await t.api(alice.key).post(`/contacts/${contactA}/affiliations`, { organisationId: contactB }),
        await t.api(alice.key).post(`/contacts/${contactA}/consents`, { purpose: 'newsletter', method: 'web_form', noticeVersion: 'v1', recipientIds: [contactB] }),
      ];
      for (const res of attempts) {
        expect([400, 404]).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toMatch(/Grace|Ada/);
      }
      expect(await t.sql('SELECT count(*) AS n FROM contact_affiliations')).toEqual(affiliations);
      expect(await t.sql('SELECT id, merged_into_id, version FROM contacts WHERE id = ANY($1) ORDER BY id', [[contactA, contactB]])).toEqual(before);
    });

    it("should refuse (403) staff declaring or reading another staff member's conflicts of interest, and write nothing", async () => {
      await t.api(bob.key).post(`/users/${alice.id}/conflicts`, { organisationId: org }).expect(403);
      await t.api(bob.key).get(`/users/${alice.id}/conflicts`).expect(403);
      await t.api(bob.key).post(`/users/${alice.id}/calendar-token`, {}).expect(403);
      expect(await t.sql('SELECT 1 FROM conflicts_of_interest WHERE user_id = $1', [alice.id])).toEqual([]);
      // Control: their own.
      await t.api(bob.key).post(`/users/${bob.id}/conflicts`, { organisationId: org }).expect(201);
    });
  });
});
