import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Contacts: import', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
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
