import { Webhook } from 'standardwebhooks';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { Receiver, waitFor } from './webhooks-helpers.js';

/** A recipient for an integration key, created through the API. */
async function recipientId(t: TestApp): Promise<string> {
  const res = await t.api().post('/recipients', { name: 'HR tool', kind: 'internal_tool' }).expect(201);
  return res.body.id as string;
}

const NO_ID = '00000000-0000-4000-8000-000000000000';

describe('Contacts', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let integration: string;
  let orgId: string;
  /** A real webhook receiver: a recipient that was disclosed a contact hears of its rectification. */
  let rx: Receiver;

  beforeAll(async () => {
    rx = await new Receiver().start();
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    integration = await t.createKey('integration', { recipientId: await recipientId(t) });
    orgId = (
      await t
        .api(staff)
        .post('/organisations', { name: 'Analytical Engines Ltd', kind: 'company' })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await rx?.stop();
  });

  const newContact = (extra: Record<string, unknown> = {}) =>
    t.api(staff).post('/contacts', { givenName: 'Ada', familyName: 'Lovelace', ...extra });

  it('should create a contact with normalised e-mails and E.164 phones', async () => {
    const res = await newContact({
      emails: [{ address: '  Ada.Lovelace@Example.ORG ', label: 'work' }],
      phones: [{ number: '030 1234567', label: 'office' }],
      organisationId: orgId,
      jobTitle: 'Mathematician',
      tags: ['vip', 'vip', 'math'],
      notes: 'Met at the Royal Society',
      preferredLanguage: 'en-GB',
      socialProfiles: {
        linkedin: 'https://www.linkedin.com/in/ada',
        xing: 'https://www.xing.com/profile/Ada_Lovelace',
      },
    }).expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada.lovelace@example.org', label: 'work' }],
      phones: [{ number: '+49301234567', label: 'office' }],
      organisationId: orgId,
      jobTitle: 'Mathematician',
      tags: ['vip', 'math'],
      preferredLanguage: 'en-GB',
      socialProfiles: {
        linkedin: 'https://www.linkedin.com/in/ada',
        xing: 'https://www.xing.com/profile/Ada_Lovelace',
      },
      version: 1,
      archivedAt: null,
      lastInteractionAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.headers.etag).toBe('"1"');
    const audit = await t.sql<{ action: string; contact_id: string; after: { sealed?: string } }>(
      `SELECT action, contact_id, after FROM audit_events WHERE entity_type = 'contact' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', contact_id: res.body.id });
    expect(JSON.stringify(audit[0].after)).not.toContain('Lovelace');
  });

  it('should validate fields: bad e-mail, bad phone, missing name, unknown field, unknown organisation', async () => {
    const bad = await newContact({ emails: [{ address: 'not-an-email' }] }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'emails.0.address' })]),
    );
    await newContact({ phones: [{ number: 'call me maybe' }] }).expect(400);
    await t.api(staff).post('/contacts', { givenName: 'Ada' }).expect(400);
    const unknown = await newContact({ favouriteColour: 'green' }).expect(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'favouriteColour' })]);
    await newContact({ organisationId: NO_ID }).expect(400);
    await newContact({ socialProfiles: { linkedin: 'https://evil.example/in/ada' } }).expect(400);
    await newContact({ socialProfiles: { myspace: 'https://myspace.com/ada' } }).expect(400);
  });

  it.each(['consent', 'consents', 'consentStatus', 'marketingConsent', 'gdprConsent'])(
    'should refuse the consent field %s with a 400 pointing to /contacts/:id/consents',
    async (field) => {
      const res = await newContact({ [field]: true }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/\/contacts\/:id\/consents/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    },
  );

  it('should refuse consent fields in a PATCH too', async () => {
    const c = (await newContact().expect(201)).body;
    const res = await t
      .api(staff)
      .patch(`/contacts/${c.id}`, { consent: { newsletter: true } })
      .expect(400);
    expect(res.body.detail).toMatch(/consents/);
  });

  it('should create once for a repeated Idempotency-Key', async () => {
    const body = { givenName: 'Idem', familyName: 'Potent' };
    const first = await t
      .api(staff)
      .post('/contacts', body)
      .set('Idempotency-Key', 'create-idem-1')
      .expect(201);
    const second = await t
      .api(staff)
      .post('/contacts', body)
      .set('Idempotency-Key', 'create-idem-1')
      .expect(201);
    expect(second.body.id).toBe(first.body.id);
    const rows = await t.sql(`SELECT id FROM contacts WHERE family_name = 'Potent'`);
    expect(rows).toHaveLength(1);
    await t
      .api(staff)
      .post('/contacts', { ...body, jobTitle: 'x' })
      .set('Idempotency-Key', 'create-idem-1')
      .expect(422);
  });

  it('should read, patch with If-Match (412 when stale) and notify a rectification', async () => {
    const c = (await newContact({ emails: [{ address: 'patch@example.org' }] }).expect(201)).body;
    // A recipient with a webhook that was disclosed this contact (consent, then a disclosure): Art. 19 says it
    // must hear of the rectification.
    const recipient = (
      await t
        .api()
        .post('/recipients', { name: 'CRM sync', kind: 'internal_tool', webhookUrl: rx.url('/rectified') })
        .expect(201)
    ).body;
    await t
      .api()
      .post('/purposes', {
        key: 'rectification-news',
        name: 'News',
        description: 'News',
        legalBasis: 'consent',
        dataCategories: ['givenName', 'familyName', 'emails'],
      })
      .expect(201);
    await t
      .api(staff)
      .post(`/contacts/${c.id}/consents`, {
        purpose: 'rectification-news',
        method: 'web_form',
        noticeVersion: 'v1',
      })
      .expect(201);
    const disclosure = await t
      .api(staff)
      .post('/disclosures', { purpose: 'rectification-news', recipientId: recipient.id, contactIds: [c.id] })
      .expect(201);
    expect(disclosure.body.disclosed.map((d: { contactId: string }) => d.contactId)).toEqual([c.id]);
    expect(rx.at('/rectified')).toHaveLength(0);
    const read = await t.api(compliance).get(`/contacts/${c.id}`).expect(200);
    expect(read.headers.etag).toBe('"1"');
    await t
      .api(staff)
      .patch(`/contacts/${c.id}`, { jobTitle: 'Countess' })
      .set('If-Match', '"5"')
      .expect(412);
    const patched = await t
      .api(staff)
      .patch(`/contacts/${c.id}`, {
        jobTitle: 'Countess',
        emails: [{ address: 'NEW@example.org' }],
        phones: [{ number: '+44 20 7946 0958' }],
      })
      .set('If-Match', '"1"')
      .expect(200);
    expect(patched.body).toMatchObject({
      jobTitle: 'Countess',
      version: 2,
      emails: [{ address: 'new@example.org', label: null }],
      phones: [{ number: '+442079460958', label: null }],
    });
    expect(patched.headers.etag).toBe('"2"');
    const notice = await waitFor(() => rx.at('/rectified')[0], 'the contact.rectified webhook');
    const event = new Webhook(recipient.secret).verify(notice.body, notice.headers as Record<string, string>);
    expect(event).toMatchObject({ type: 'contact.rectified', contactId: c.id });
    expect(notice.body).not.toMatch(/new@example\.org|Lovelace/); // a thin event: no personal data
    await t.api(staff).patch(`/contacts/${c.id}`, { givenName: null }).expect(400);
    const cleared = await t.api(staff).patch(`/contacts/${c.id}`, { jobTitle: null }).expect(200);
    expect(cleared.body.jobTitle).toBeNull();
    const actions = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY written_seq`,
      [c.id],
    );
    expect(actions.map((a) => a.action)).toEqual(['create', 'update', 'update']);
  });

  it('should answer 404 for an unknown id and 400 for a malformed one', async () => {
    const res = await t.api(staff).get(`/contacts/${NO_ID}`).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await t.api(staff).get('/contacts/not-a-uuid').expect(400);
    await t.api(staff).patch(`/contacts/${NO_ID}`, { jobTitle: 'x' }).expect(404);
    await t.api(staff).delete(`/contacts/${NO_ID}`).expect(404);
  });

  it('should archive on DELETE, hide archived contacts from lists unless asked, and restore', async () => {
    const c = (await newContact({ familyName: 'Archivable', tags: ['archive-test'] }).expect(201)).body;
    await t.api(staff).delete(`/contacts/${c.id}`).set('If-Match', '"9"').expect(412);
    await t.api(staff).delete(`/contacts/${c.id}`).set('If-Match', '"1"').expect(204);
    const read = await t.api(staff).get(`/contacts/${c.id}`).expect(200);
    expect(read.body.archivedAt).not.toBeNull();
    const [row] = await t.sql<{ given_name: string }>('SELECT given_name FROM contacts WHERE id = $1', [
      c.id,
    ]);
    expect(row.given_name).toBe('Ada');
    const list = await t.api(staff).get('/contacts?tag=archive-test').expect(200);
    expect(list.body.items).toHaveLength(0);
    const withArchived = await t
      .api(staff)
      .get('/contacts?tag=archive-test&includeArchived=true')
      .expect(200);
    expect(withArchived.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const restored = await t.api(staff).post(`/contacts/${c.id}/restore`).expect(200);
    expect(restored.body.archivedAt).toBeNull();
    const again = await t.api(staff).get('/contacts?tag=archive-test').expect(200);
    expect(again.body.items).toHaveLength(1);
  });

  it('should page through the list in a stable order', async () => {
    for (let i = 0; i < 5; i++) await newContact({ familyName: `Pager${i}`, tags: ['pager'] }).expect(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await t
        .api(staff)
        .get(`/contacts?tag=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...res.body.items.map((x: { familyName: string }) => x.familyName));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Pager0', 'Pager1', 'Pager2', 'Pager3', 'Pager4']);
    await t.api(staff).get('/contacts?cursor=garbage').expect(400);
  });

  it('should find contacts by misspelt name, e-mail and organisation name, by GET and POST /contacts/search', async () => {
    const org = (
      await t.api(staff).post('/organisations', { name: 'Bundesanstalt für Materialforschung' }).expect(201)
    ).body;
    const target = (
      await t
        .api(staff)
        .post('/contacts', {
          givenName: 'Grete',
          familyName: 'Schmidtbauer',
          emails: [{ address: 'grete@bam.example' }],
          organisationId: org.id,
          tags: ['search'],
        })
        .expect(201)
    ).body;
    await t
      .api(staff)
      .post('/contacts', { givenName: 'Hans', familyName: 'Müller', tags: ['search'] })
      .expect(201);

    const typo = await t.api(staff).get('/contacts?q=Shmidtbauer').expect(200);
    expect(typo.body.items[0]?.id).toBe(target.id);
    const twoTypos = await t.api(staff).post('/contacts/search', { q: 'Grete Schmitbaur' }).expect(200);
    expect(twoTypos.body.items[0]?.id).toBe(target.id);
    expect(twoTypos.body).toHaveProperty('nextCursor');
    const byEmail = await t.api(staff).post('/contacts/search', { q: 'GRETE@bam.example' }).expect(200);
    expect(byEmail.body.items.map((x: { id: string }) => x.id)).toEqual([target.id]);
    const byOrg = await t.api(staff).post('/contacts/search', { q: 'Materialforschung' }).expect(200);
    expect(byOrg.body.items.map((x: { id: string }) => x.id)).toContain(target.id);
    const filtered = await t
      .api(staff)
      .post('/contacts/search', { q: 'Schmidtbauer', organisationId: org.id, tag: 'search' })
      .expect(200);
    expect(filtered.body.items).toHaveLength(1);
    const none = await t.api(staff).post('/contacts/search', { q: 'Schmidtbauer', tag: 'other' }).expect(200);
    expect(none.body.items).toHaveLength(0);
    const later = await t
      .api(staff)
      .post('/contacts/search', { q: 'Schmidtbauer', updatedSince: '2999-01-01T00:00:00Z' })
      .expect(200);
    expect(later.body.items).toHaveLength(0);
    await t.api(staff).post('/contacts/search', { q: 'x', colour: 'red' }).expect(400);
  });

  /** Every id of a search, page by page following `nextCursor` (at most 20 pages). */
  const searchPages = async (body: Record<string, unknown>): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await t.api(staff).post('/contacts/search', { ...body, cursor }).expect(200);
      ids.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return ids;
  };

  it('should page ranked search results without repeating or losing any', async () => {
    for (let i = 0; i < 5; i++) {
      await t
        .api(staff)
        .post('/contacts', { givenName: `Rank${i}`, familyName: 'Pagination', tags: ['rank'] })
        .expect(201);
    }
    const ids = await searchPages({ q: 'Paginaton', tag: 'rank', limit: 2 });
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it('should rank the exact name first and page mixed scores in the same order as one page', async () => {
    const org = (await t.api(staff).post('/organisations', { name: 'Lovelace Analytical Engines' }).expect(201)).body;
    const make = (givenName: string, familyName: string, organisationId?: string) =>
      t
        .api(staff)
        .post('/contacts', { givenName, familyName, tags: ['ranked'], ...(organisationId ? { organisationId } : {}) })
        .expect(201)
        .then((r) => r.body.id as string);
    const exact = await make('Ada', 'Lovelace');
    const typo = await make('Ada', 'Lovelaze');
    const byOrg = await make('Charles', 'Babbage', org.id);
    await make('Ada', 'Lovelock');
    await make('Augusta', 'Lovelace');

    const whole = await t.api(staff).post('/contacts/search', { q: 'Ada Lovelace', tag: 'ranked', limit: 50 }).expect(200);
    const order: string[] = whole.body.items.map((x: { id: string }) => x.id);
    expect(order[0]).toBe(exact);
    expect(order).toContain(typo);
    expect(order).toContain(byOrg);
    expect(order.indexOf(typo)).toBeLessThan(order.indexOf(byOrg));

    expect(await searchPages({ q: 'Ada Lovelace', tag: 'ranked', limit: 1 })).toEqual(order);
  });

  it('should tolerate a dropped letter in a one-word search, but not match on a given name alone', async () => {
    const make = (givenName: string, familyName: string) =>
      t
        .api(staff)
        .post('/contacts', { givenName, familyName, tags: ['typos'] })
        .expect(201)
        .then((r) => r.body.id as string);
    const turing = await make('Alan', 'Turing');
    const dijkstra = await make('Edsger', 'Dijkstra');
    const perlman = await make('Radia', 'Perlman');
    const ids = async (q: string) =>
      (await t.api(staff).post('/contacts/search', { q, tag: 'typos' }).expect(200)).body.items.map((x: { id: string }) => x.id);
    expect(await ids('Turng')).toEqual([turing]);
    expect(await ids('Dikstra')).toEqual([dijkstra]);
    expect(await ids('Perlmn')).toEqual([perlman]);
    expect(await ids('Radia Perlmn')).toEqual([perlman]);
    // Two words of which only the given name matches: not a match.
    expect(await ids('Radia Kowalski')).toEqual([]);
  });

  it('should tell names apart by their non-ASCII letters and store one Unicode form', async () => {
    const make = (familyName: string) =>
      t
        .api(staff)
        .post('/contacts', { givenName: 'Jürgen', familyName, tags: ['unicode'] })
        .expect(201)
        .then((r) => r.body);
    // Typed with a combining diaeresis (NFD); stored precomposed (NFC).
    const mueller = await make('Mu\u0308ller');
    expect(mueller.familyName).toBe('M\u00fcller');
    const moeller = await make('MÖLLER');
    const first = async (q: string) =>
      (await t.api(staff).post('/contacts/search', { q, tag: 'unicode' }).expect(200)).body.items[0]?.id;
    // With one letter dropped, only the umlaut tells the two apart: it must count as a letter, in either case.
    expect(await first('Müler')).toBe(mueller.id);
    expect(await first('Möler')).toBe(moeller.id);
    expect(await first('jürgen möller')).toBe(moeller.id);
    expect(await first('Mu\u0308ler')).toBe(mueller.id);
    const punctuation = await t.api(staff).post('/contacts/search', { q: ' .-/ ', tag: 'unicode' }).expect(200);
    expect(punctuation.body).toEqual({ items: [], nextCursor: null });
  });

  it('should leave erased contacts out of searches but still read them', async () => {
    const c = (
      await newContact({ givenName: 'Erased', familyName: 'Person', tags: ['erase-test'] }).expect(201)
    ).body;
    await t.sql(
      `UPDATE contacts SET given_name = 'Erased', family_name = 'Contact', emails = '[]', erased_at = now() WHERE id = $1`,
      [c.id],
    );
    const list = await t.api(staff).get('/contacts?tag=erase-test&includeArchived=true').expect(200);
    expect(list.body.items).toHaveLength(0);
    const read = await t.api(staff).get(`/contacts/${c.id}`).expect(200);
    expect(read.body).toMatchObject({ familyName: 'Contact', erasedAt: expect.any(String) });
  });

  it('should download a vCard 4.0 and audit it', async () => {
    const c = (
      await newContact({
        emails: [{ address: 'vcard@example.org' }],
        organisationId: orgId,
        notes: 'a; b, c',
      }).expect(201)
    ).body;
    const res = await t.api(staff).get(`/contacts/${c.id}/vcard`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/vcard/);
    expect(res.text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
    expect(res.text).toContain('FN:Ada Lovelace\r\n');
    expect(res.text).toContain('EMAIL;PREF=1:vcard@example.org\r\n');
    expect(res.text).toContain('ORG:Analytical Engines Ltd\r\n');
    expect(res.text).toContain('NOTE:a\\; b\\, c\r\n');
    const audit = await t.sql(
      `SELECT 1 FROM audit_events WHERE action = 'export_vcard' AND entity_id = $1 AND contact_id = $2`,
      [c.id, c.id],
    );
    expect(audit).toHaveLength(1);
    await t.api(compliance).get(`/contacts/${c.id}/vcard`).expect(200);
    const downloads = await t.sql(`SELECT 1 FROM audit_events WHERE action = 'export_vcard' AND entity_id = $1`, [c.id]);
    expect(downloads).toHaveLength(2);
  });

  it("should keep affiliations and list an organisation's contacts", async () => {
    const c = (await newContact({ familyName: 'Affiliated' }).expect(201)).body;
    const uni = (
      await t
        .api(staff)
        .post('/organisations', { name: 'University of London', kind: 'university' })
        .expect(201)
    ).body;
    const past = await t
      .api(staff)
      .post(`/contacts/${c.id}/affiliations`, {
        organisationId: orgId,
        jobTitle: 'Engineer',
        since: '2015-01-01',
        until: '2019-12-31',
      })
      .expect(201);
    expect(past.body).toMatchObject({
      contactId: c.id,
      organisationId: orgId,
      primary: false,
      current: false,
      since: '2015-01-01',
    });
    const now = await t
      .api(staff)
      .post(`/contacts/${c.id}/affiliations`, {
        organisationId: uni.id,
        jobTitle: 'Lecturer',
        department: 'Mathematics',
        since: '2020-01-01',
        primary: true,
      })
      .expect(201);
    expect(now.body).toMatchObject({
      primary: true,
      current: true,
      department: 'Mathematics',
      organisationName: 'University of London',
    });
    const list = await t.api(compliance).get(`/contacts/${c.id}/affiliations`).expect(200);
    expect(list.body.items).toHaveLength(2);
    const first = await t.api(compliance).get(`/contacts/${c.id}/affiliations?limit=1`).expect(200);
    const second = await t
      .api(compliance)
      .get(`/contacts/${c.id}/affiliations?limit=1&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect([...first.body.items, ...second.body.items].map((a: { id: string }) => a.id)).toEqual(
      list.body.items.map((a: { id: string }) => a.id),
    );
    expect(second.body.nextCursor).toBeNull();
    const contact = await t.api(staff).get(`/contacts/${c.id}`).expect(200);
    expect(contact.body).toMatchObject({ organisationId: uni.id, jobTitle: 'Lecturer' });
    const people = await t.api(staff).get(`/organisations/${uni.id}/contacts`).expect(200);
    expect(people.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    await t.api(staff).get(`/organisations/${NO_ID}/contacts`).expect(404);
    await t
      .api(staff)
      .post(`/contacts/${c.id}/affiliations`, {
        organisationId: uni.id,
        since: '2020-01-01',
        until: '2019-01-01',
      })
      .expect(400);
    await t.api(compliance).post(`/contacts/${c.id}/affiliations`, { organisationId: uni.id }).expect(403);
  });

  it('should let compliance read but never create or edit', async () => {
    const c = (await newContact().expect(201)).body;
    await t.api(compliance).get('/contacts').expect(200);
    await t.api(compliance).post('/contacts/search', { q: 'Ada' }).expect(200);
    await t.api(compliance).get(`/contacts/${c.id}`).expect(200);
    await t.api(compliance).post('/contacts', { givenName: 'No', familyName: 'Way' }).expect(403);
    await t.api(compliance).patch(`/contacts/${c.id}`, { jobTitle: 'x' }).expect(403);
    await t.api(compliance).delete(`/contacts/${c.id}`).expect(403);
    await t.api(compliance).post(`/contacts/${c.id}/restore`).expect(403);
    await t.api(compliance).post(`/contacts/${c.id}/merge`, { duplicateId: NO_ID }).expect(403);
    await t
      .api(compliance)
      .post('/contacts/import')
      .set('Content-Type', 'text/csv')
      .send('givenName,familyName\nA,B\n')
      .expect(403);
  });

  it('should answer 403 to an integration key on every contact endpoint', async () => {
    const c = (await newContact().expect(201)).body;
    const api = t.api(integration);
    const calls = [
      api.get('/contacts'),
      api.post('/contacts', { givenName: 'A', familyName: 'B' }),
      api.post('/contacts/search', { q: 'Ada' }),
      api.get('/contacts/duplicates'),
      api.post('/contacts/import').set('Content-Type', 'text/csv').send('givenName,familyName\nA,B\n'),
      api.get(`/contacts/${c.id}`),
      api.patch(`/contacts/${c.id}`, { jobTitle: 'x' }),
      api.delete(`/contacts/${c.id}`),
      api.post(`/contacts/${c.id}/restore`),
      api.get(`/contacts/${c.id}/vcard`),
      api.get(`/contacts/${c.id}/duplicates`),
      api.post(`/contacts/${c.id}/merge`, { duplicateId: NO_ID }),
      api.get(`/contacts/${c.id}/affiliations`),
      api.post(`/contacts/${c.id}/affiliations`, { organisationId: orgId }),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(403);
    }
    await t.request().get('/api/v1/contacts').expect(401);
  });
  it('should document every contact endpoint in the OpenAPI document', async () => {
    const doc = (await t.request().get('/openapi.json').expect(200)).body;
    for (const path of [
      '/api/v1/contacts',
      '/api/v1/contacts/search',
      '/api/v1/contacts/duplicates',
      '/api/v1/contacts/import',
      '/api/v1/contacts/{id}',
      '/api/v1/contacts/{id}/restore',
      '/api/v1/contacts/{id}/vcard',
      '/api/v1/contacts/{id}/duplicates',
      '/api/v1/contacts/{id}/merge',
      '/api/v1/contacts/{id}/affiliations',
      '/api/v1/organisations/{id}/contacts',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.paths['/api/v1/contacts'].post.requestBody).toBeDefined();
  });
});
