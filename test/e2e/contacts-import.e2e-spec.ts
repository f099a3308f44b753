import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Contacts: import', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
  });
  afterAll(async () => {
    await t.close();
  });

  const importAs = (type: string, body: string, query = '') =>
    t
      .request()
      .post(`/api/v1/contacts/import${query}`)
      .set('X-API-Key', staff)
      .set('Content-Type', type)
      .send(body);
  const count = async (where = 'TRUE') =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM contacts WHERE ${where}`))[0].n);

  it('should import a CSV with header variants, reject bad rows, and never duplicate an e-mail', async () => {
    const existing = (
      await t
        .api(staff)
        .post('/contacts', {
          givenName: 'Old',
          familyName: 'Timer',
          emails: [{ address: 'old@example.org' }],
          tags: ['known'],
        })
        .expect(201)
    ).body;
    const csv = [
      'First_Name,Last Name,E-Mail,Phone,Company,Job Title,Tags,marketing_consent',
      'Ada,Lovelace,ADA@example.org,+44 20 7946 0958,Analytical Engines,Mathematician,vip;math,yes',
      'Grace,Hopper,grace@example.org,,Navy,Rear Admiral,,yes',
      ',NoGiven,nogiven@example.org,,,,,',
      'Bad,Email,not-an-email,,,,,',
      'Bad,Phone,badphone@example.org,call me,,,,',
      'Ada,Lovelace-King,ada@example.org,,,Countess,history,',
      'Old,Timer,old@example.org,030 1234567,,,new-tag,',
      '"Quoted, Name",Smith,quoted@example.org,,"Smith, Jones & Co",,,',
    ].join('\r\n');

    const res = await importAs('text/csv', csv).expect(200);
    expect(res.body.created).toHaveLength(3);
    expect(res.body.updated).toEqual([existing.id]);
    expect(res.body.rejected).toEqual([
      { row: 3, reason: expect.stringMatching(/givenName/) },
      { row: 4, reason: expect.stringMatching(/e-mail/) },
      { row: 5, reason: expect.stringMatching(/phone/) },
    ]);
    expect(await count(`email_addresses @> ARRAY['ada@example.org']`)).toBe(1);

    const ada = (await t.api(staff).post('/contacts/search', { q: 'ada@example.org' }).expect(200)).body
      .items[0];
    expect(ada).toMatchObject({
      givenName: 'Ada',
      familyName: 'Lovelace-King',
      jobTitle: 'Countess',
      phones: [{ number: '+442079460958', label: null }],
      tags: ['vip', 'math', 'history'],
    });
    expect(res.body.created).toContain(ada.id);
    const org = await t.api(staff).get(`/organisations/${ada.organisationId}`).expect(200);
    expect(org.body.name).toBe('Analytical Engines');
    const old = (await t.api(staff).get(`/contacts/${existing.id}`).expect(200)).body;
    expect(old).toMatchObject({
      phones: [{ number: '+49301234567', label: null }],
      tags: ['known', 'new-tag'],
      version: 2,
    });
    const quoted = (await t.api(staff).post('/contacts/search', { q: 'quoted@example.org' }).expect(200)).body
      .items[0];
    expect(quoted.givenName).toBe('Quoted, Name');
    // No consent came in through the import.
    expect(await t.sql(`SELECT 1 FROM consents`)).toHaveLength(0);
    const audit = await t.sql(
      `SELECT 1 FROM audit_events WHERE action IN ('import_create', 'import_update') AND entity_type = 'contact'`,
    );
    expect(audit).toHaveLength(4);

    // The same file again creates nothing new.
    const again = await importAs('text/csv', csv).expect(200);
    expect(again.body.created).toHaveLength(0);
    expect(again.body.updated).toHaveLength(4);
  });

  it('should preview with dryRun=true and write nothing', async () => {
    const before = await count();
    const auditBefore = (await t.sql(`SELECT 1 FROM audit_events`)).length;
    const csv =
      'givenName;familyName;email;organisation\nNew;Person;new.person@example.org;Brand New Org\nAda;Lovelace;ada@example.org;\n;;;\nX;;x@example.org;\n';
    const res = await importAs('text/csv', csv, '?dryRun=true').expect(200);
    expect(res.body.created).toEqual([null]);
    expect(res.body.updated).toHaveLength(1);
    expect(res.body.rejected).toEqual([{ row: 4, reason: expect.stringMatching(/familyName/) }]);
    expect(res.body.dryRun).toBe(true);
    expect(await count()).toBe(before);
    expect(await t.sql(`SELECT 1 FROM organisations WHERE name = 'Brand New Org'`)).toHaveLength(0);
    expect((await t.sql(`SELECT 1 FROM audit_events`)).length).toBe(auditBefore);
  });

  it('should import vCards 3.0 and 4.0 and reject cards without a name', async () => {
    const cards = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Turing;Alan;;;',
      'FN:Alan Turing',
      'EMAIL;TYPE=INTERNET,WORK:alan@example.org',
      'TEL;TYPE=CELL:+44 161 496 0000',
      'ORG:University of Manchester;Computing',
      'TITLE:Reader',
      'CATEGORIES:ai,crypto',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Katherine Johnson',
      'EMAIL;PREF=1:kj@example.org',
      'TEL;VALUE=uri;TYPE=work:tel:+1-202-555-0143',
      'SOCIALPROFILE;SERVICE-TYPE=LinkedIn:https://www.linkedin.com/in/kj',
      'LANG:en',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'EMAIL:anon@example.org',
      'END:VCARD',
    ].join('\r\n');
    const res = await importAs('text/vcard', cards).expect(200);
    expect(res.body.created).toHaveLength(2);
    expect(res.body.rejected).toEqual([{ row: 3, reason: expect.any(String) }]);
    const alan = (await t.api(staff).post('/contacts/search', { q: 'alan@example.org' }).expect(200)).body
      .items[0];
    expect(alan).toMatchObject({
      givenName: 'Alan',
      familyName: 'Turing',
      jobTitle: 'Reader',
      tags: ['ai', 'crypto'],
      phones: [{ number: '+441614960000', label: 'cell' }],
    });
    const kj = (await t.api(staff).post('/contacts/search', { q: 'kj@example.org' }).expect(200)).body
      .items[0];
    expect(kj).toMatchObject({
      givenName: 'Katherine',
      familyName: 'Johnson',
      socialProfiles: { linkedin: 'https://www.linkedin.com/in/kj', xing: null },
      preferredLanguage: 'en',
    });

    // A card downloaded from Rapport imports back onto the same contact.
    const card = await t.api(staff).get(`/contacts/${kj.id}/vcard`).expect(200);
    const back = await importAs('text/vcard', card.text).expect(200);
    expect(back.body).toMatchObject({ created: [], updated: [kj.id], rejected: [] });
  });

  it('should refuse other content types, an empty body and a CSV without name columns', async () => {
    await t.api(staff).post('/contacts/import', { givenName: 'A' }).expect(415);
    await importAs('text/csv', '').expect(400);
    await importAs('text/csv', 'email,phone\na@b.de,\n').expect(400);
    await importAs('text/vcard', 'hello').expect(400);
  });

  it('should audit every row of a file of several batches, sealed under each contact\'s own key', async () => {
    const existing = (
      await t.api(staff).post('/contacts', { givenName: 'Known', familyName: 'Before', emails: [{ address: 'known@batches.example' }] }).expect(201)
    ).body;
    const lines = ['givenName,familyName,email,organisation'];
    for (let i = 0; i < 2_500; i++) lines.push(`Batch${i},Person${i},batch${i}@batches.example,Batch Org ${i % 3}`);
    // Both rows below come after the first batch of 1,000: one updates a contact the first batch created, one an
    // older contact.
    lines.push('Batch7,Renamed,batch7@batches.example,', 'Known,After,known@batches.example,');
    const res = await importAs('text/csv', lines.join('\n')).expect(200);
    expect(res.body.created).toHaveLength(2_500);
    expect(res.body.updated).toEqual([existing.id]);
    const created = res.body.created as string[];

    const events = await t.sql<{ action: string; contact_id: string; after: Record<string, unknown> }>(
      `SELECT action, contact_id, after FROM audit_events
        WHERE entity_type = 'contact' AND action LIKE 'import%' AND contact_id = ANY($1::uuid[]) ORDER BY written_seq`,
      [[...created, existing.id]],
    );
    // One import_create per created contact, an import_update for each changed one, nothing else.
    expect(events.filter((e) => e.action === 'import_create').map((e) => e.contact_id).sort()).toEqual([...created].sort());
    expect(events.filter((e) => e.action === 'import_update').map((e) => e.contact_id).sort()).toEqual([created[7], existing.id].sort());
    expect(events.length).toBe(2_502);
    // Stored sealed only: no name in the clear.
    expect(events.every((e) => Object.keys(e.after).join() === 'sealed')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('Batch12');
    // One data key per created contact, and the keys open what was sealed: the trail shows the values.
    const keys = await t.sql('SELECT 1 FROM contact_keys WHERE contact_id = ANY($1::uuid[]) AND wrapped_key IS NOT NULL', [created]);
    expect(keys.length).toBe(2_500);
    const last = (await t.api(compliance).get(`/audit-events?contactId=${created[2_499]}`).expect(200)).body.items;
    expect(last).toMatchObject([{ action: 'import_create', erased: false, after: { id: created[2_499], givenName: 'Batch2499', familyName: 'Person2499' } }]);
    const renamed = (await t.api(compliance).get(`/audit-events?contactId=${created[7]}`).expect(200)).body.items;
    expect(renamed).toMatchObject([
      { action: 'import_update', erased: false, before: { familyName: 'Person7', version: 1 }, after: { familyName: 'Renamed', version: 2 } },
      { action: 'import_create', erased: false, after: { givenName: 'Batch7', familyName: 'Person7' } },
    ]);
    const known = (await t.api(compliance).get(`/audit-events?contactId=${existing.id}&action=import_update`).expect(200)).body.items;
    expect(known).toMatchObject([{ before: { familyName: 'Before' }, after: { familyName: 'After' } }]);
    // Each new organisation is audited once; the chain holds every event.
    expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'import_create' AND entity_type = 'organisation' AND after->>'name' LIKE 'Batch Org %'`)).toHaveLength(3);
    const verify = (await t.api(compliance).get('/audit-events/verify').expect(200)).body;
    expect(verify).toMatchObject({ valid: true });
    expect(await t.sql('SELECT 1 FROM audit_events WHERE seq IS NULL')).toEqual([]);

    // Erasure still shreds what the import sealed.
    await t.api(compliance).post(`/contacts/${created[0]}/erase`).expect(200);
    const shredded = (await t.api(compliance).get(`/audit-events?contactId=${created[0]}&action=import_create`).expect(200)).body.items;
    expect(shredded).toMatchObject([{ erased: true, after: null }]);
  }, 120_000);

  it('should write nothing, not even audit events, when the file breaks after its first batches', async () => {
    const before = await t.sql<{ contacts: string; events: string; keys: string }>(
      `SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM audit_events) AS events,
              (SELECT count(*) FROM contact_keys) AS keys`,
    );
    const lines = ['givenName,familyName,email'];
    for (let i = 0; i < 2_500; i++) lines.push(`Broken${i},File,broken${i}@broken.example`);
    lines.push('"Unclosed,Quote,x@broken.example');
    const res = await importAs('text/csv', lines.join('\n')).expect(400);
    expect(res.body.code).toBe('MALFORMED_CSV');
    const after = await t.sql(
      `SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM audit_events) AS events,
              (SELECT count(*) FROM contact_keys) AS keys`,
    );
    expect(after).toEqual(before);
  }, 60_000);

  it('should import 10,000 rows in one request', async () => {
    const lines = ['givenName,familyName,email,company,tags'];
    for (let i = 0; i < 10_000; i++) {
      lines.push(`Bulk${i},Person${i},bulk${i}@bulk.example,Bulk Org ${i % 50},bulk`);
    }
    lines.push(`Dup,Row,bulk1@bulk.example,,`);
    const res = await importAs('text/csv', lines.join('\n')).expect(200);
    expect(res.body.created).toHaveLength(10_000);
    expect(res.body.updated).toHaveLength(0);
    expect(res.body.rejected).toHaveLength(0);
    expect(await count(`'bulk' = ANY(tags)`)).toBe(10_000);
    expect(await count(`given_name = 'Dup'`)).toBe(1);
  }, 120_000);
});
