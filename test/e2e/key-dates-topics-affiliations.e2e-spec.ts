import { DataSource } from 'typeorm';
import { KeyDatesRepository } from '../../src/contacts/key-dates.repository.js';
import { addDays, nextOccurrence, todayUtc } from '../../src/contacts/key-dates.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

const NO_ID = '00000000-0000-4000-8000-000000000000';
const mmdd = (d: string) => d.slice(5);
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

describe('Issue 14: key dates, affiliations edited and ended, topics on interactions', () => {
  let t: TestApp;
  let staff: string;
  let otherStaff: string;
  let compliance: string;
  let integration: string;
  let recipient: string;
  const today = todayUtc();

  const newContact = async (body: Record<string, unknown>) =>
    (await t.api(staff).post('/contacts', { givenName: 'Ada', familyName: 'Example', ...body }).expect(201)).body as {
      id: string;
      keyDates: unknown[];
      version: number;
    };
  const upcoming = async (q = '', key = staff) =>
    (await t.api(key).get(`/key-dates${q}`).expect(200)).body.items as {
      contactId: string;
      kind: string;
      date: string;
      nextOccurrence: string;
      label: string | null;
    }[];

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    otherStaff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    recipient = (
      await t.api().post('/recipients', { name: 'CRM', kind: 'internal_tool', webhookUrl: 'http://127.0.0.1:9/hook' }).expect(201)
    ).body.id;
    integration = await t.createKey('integration', { recipientId: recipient });
    await t
      .api()
      .post('/purposes', { key: 'greetings', name: 'Greetings', description: 'Cards', legalBasis: 'consent', dataCategories: ['givenName', 'keyDates'] })
      .expect(201);
    await t
      .api()
      .post('/purposes', { key: 'names-only', name: 'Names', description: 'Names', legalBasis: 'consent', dataCategories: ['givenName', 'familyName', 'organisationId'] })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('key dates', () => {
    it('stores, validates, replaces and shows key dates on contacts (and in the vCard)', async () => {
      const c = await newContact({
        keyDates: [
          { kind: 'birthday', date: '1984-02-29', label: '  Leap baby ' },
          { kind: 'anniversary', date: '06-01' },
        ],
      });
      expect(c.keyDates).toEqual([
        { kind: 'birthday', date: '1984-02-29', label: 'Leap baby' },
        { kind: 'anniversary', date: '06-01', label: null },
      ]);
      const card = await t.api(staff).get(`/contacts/${c.id}/vcard`).expect(200);
      expect(card.text).toContain('BDAY:19840229\r\n');
      expect(card.text).toContain('ANNIVERSARY:--0601\r\n');

      for (const bad of [
        [{ kind: 'birthday', date: '02-30' }],
        [{ kind: 'birthday', date: '1985-02-29' }],
        [{ kind: 'birthday', date: '13-01' }],
        [{ kind: 'birthday', date: '2026-1-01' }],
        [{ kind: 'nameday', date: '01-01' }],
        [{ kind: 'other', date: '01-01', label: 'x'.repeat(101) }],
        [{ kind: 'other', date: '01-01', extra: 1 }],
        Array.from({ length: 21 }, () => ({ kind: 'other', date: '01-01' })),
      ]) {
        const res = await t.api(staff).post('/contacts', { givenName: 'B', familyName: 'C', keyDates: bad });
        expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringContaining('application/problem+json')]);
        await t.api(staff).patch(`/contacts/${c.id}`, { keyDates: bad }).expect(400);
      }
      const replaced = await t.api(staff).patch(`/contacts/${c.id}`, { keyDates: [{ kind: 'other', date: '12-24', label: 'Christmas' }] }).expect(200);
      expect(replaced.body.keyDates).toEqual([{ kind: 'other', date: '12-24', label: 'Christmas' }]);
      expect((await t.api(compliance).get(`/contacts/${c.id}`).expect(200)).body.keyDates).toHaveLength(1);
      const cleared = await t.api(staff).patch(`/contacts/${c.id}`, { keyDates: null }).expect(200);
      expect(cleared.body.keyDates).toEqual([]);
      expect((await t.api(staff).get(`/contacts/${c.id}/vcard`).expect(200)).text).not.toContain('BDAY');
    });

    it('lists upcoming key dates soonest first, today included, the end of the window included', async () => {
      const inThree = addDays(today, 3);
      const inFourteen = addDays(today, 14);
      const inFifteen = addDays(today, 15);
      const yesterday = addDays(today, -1);
      const a = await newContact({
        keyDates: [
          { kind: 'other', date: mmdd(inFifteen), label: 'later' },
          { kind: 'anniversary', date: `1999-${mmdd(inThree)}`, label: 'Founded' },
          { kind: 'birthday', date: mmdd(today) },
        ],
      });
      const b = await newContact({ keyDates: [{ kind: 'birthday', date: mmdd(inFourteen) }, { kind: 'other', date: mmdd(yesterday) }] });
      const mine = (items: Awaited<ReturnType<typeof upcoming>>) => items.filter((i) => [a.id, b.id].includes(i.contactId));

      const items = mine(await upcoming());
      expect(items).toEqual([
        { contactId: a.id, kind: 'birthday', date: mmdd(today), nextOccurrence: today, label: null },
        { contactId: a.id, kind: 'anniversary', date: `1999-${mmdd(inThree)}`, nextOccurrence: inThree, label: 'Founded' },
        { contactId: b.id, kind: 'birthday', date: mmdd(inFourteen), nextOccurrence: inFourteen, label: null },
      ]);
      expect(mine(await upcoming('?withinDays=1')).map((i) => i.nextOccurrence)).toEqual([today]);
      expect(mine(await upcoming('?withinDays=15', compliance)).map((i) => i.nextOccurrence)).toEqual([today, inThree, inFourteen, inFifteen]);
      const year = mine(await upcoming('?withinDays=366'));
      expect(year.at(-1)).toEqual({ contactId: b.id, kind: 'other', date: mmdd(yesterday), nextOccurrence: nextOccurrence(mmdd(yesterday), today), label: null });
      expect(year.at(-1)!.nextOccurrence > today).toBe(true);
      const sorted = [...year].sort((x, y) => x.nextOccurrence.localeCompare(y.nextOccurrence));
      expect(year).toEqual(sorted);
    });

    it('puts 29 February on 28 February in other years', async () => {
      const leap = await newContact({ keyDates: [{ kind: 'birthday', date: '02-29', label: 'leap' }] });
      const [item] = (await upcoming('?withinDays=366')).filter((i) => i.contactId === leap.id);
      expect(item.nextOccurrence).toBe(nextOccurrence('02-29', today));
      const y = Number(item.nextOccurrence.slice(0, 4));
      expect(item.nextOccurrence.slice(5)).toBe(isLeap(y) ? '02-29' : '02-28');
    });

    it('computes the same next occurrence in SQL as the rule (fixed days: leap years, the turn of the year)', async () => {
      const c = await newContact({
        keyDates: [
          { kind: 'birthday', date: '02-29' },
          { kind: 'other', date: '01-02' },
          { kind: 'other', date: '01-04' },
          { kind: 'anniversary', date: '2001-12-20' },
          { kind: 'other', date: '12-19' },
        ],
      });
      const repo = t.app.get(KeyDatesRepository);
      const m = t.app.get(DataSource).manager;
      const run = async (day: string, within: number) =>
        (await repo.upcoming(m, day, within, 10_000)).filter((r) => r.contact_id === c.id).map((r) => [r.date, r.next_occurrence]);
      expect(await run('2026-12-20', 14)).toEqual([['2001-12-20', '2026-12-20'], ['01-02', '2027-01-02']]);
      expect(await run('2027-02-27', 1)).toEqual([['02-29', '2027-02-28']]);
      expect(await run('2027-03-01', 366)).toEqual([
        ['12-19', '2027-12-19'], ['2001-12-20', '2027-12-20'], ['01-02', '2028-01-02'], ['01-04', '2028-01-04'], ['02-29', '2028-02-29'],
      ]);
      expect(await run('2028-02-29', 0)).toEqual([['02-29', '2028-02-29']]);
      expect(await run('2100-02-28', 0)).toEqual([['02-29', '2100-02-28']]);
      // Every fixed day of a span agrees with the rule.
      for (const day of ['2026-12-31', '2027-01-01', '2028-02-28', '2028-03-01', '2099-12-30']) {
        const expected = ['02-29', '01-02', '01-04', '2001-12-20', '12-19']
          .map((d) => [d, nextOccurrence(d, day)])
          .filter(([, n]) => n <= addDays(day, 40))
          .sort((x, y) => x[1].localeCompare(y[1]));
        expect(await run(day, 40)).toEqual(expected);
      }
    });

    it('leaves archived, erased and merged contacts out; erasure wipes the dates; the export shows them', async () => {
      const kd = [{ kind: 'birthday', date: mmdd(addDays(today, 2)), label: 'secret-label' }];
      const archived = await newContact({ keyDates: kd });
      const erased = await newContact({ keyDates: kd });
      const survivor = await newContact({ givenName: 'Surv' });
      const dup = await newContact({ keyDates: kd });
      const ids = () => upcoming().then((items) => items.map((i) => i.contactId));
      expect(await ids()).toEqual(expect.arrayContaining([archived.id, erased.id, dup.id]));

      const exported = await t.api(compliance).get(`/contacts/${erased.id}/export`).expect(200);
      expect(JSON.stringify(exported.body)).toContain('secret-label');

      await t.api(staff).delete(`/contacts/${archived.id}`).expect(204);
      await t.api(compliance).post(`/contacts/${erased.id}/erase`).expect(200);
      await t.api(staff).post(`/contacts/${survivor.id}/merge`, { duplicateId: dup.id }).expect(200);
      const after = await ids();
      for (const id of [archived.id, erased.id, dup.id]) expect(after).not.toContain(id);
      const [row] = await t.sql<{ key_dates: unknown }>('SELECT key_dates FROM contacts WHERE id = $1', [erased.id]);
      expect(row.key_dates).toEqual([]);
      // Merge: the survivor takes the duplicate's key dates; the tombstone keeps none.
      expect((await t.api(staff).get(`/contacts/${survivor.id}`).expect(200)).body.keyDates).toEqual(kd);
      expect(after).toContain(survivor.id);
      const [tomb] = await t.sql<{ key_dates: unknown }>('SELECT key_dates FROM contacts WHERE id = $1', [dup.id]);
      expect(tomb.key_dates).toEqual([]);
    });

    it('pages with limit and cursor, in the same order, without repeating or skipping a date', async () => {
      await newContact({ keyDates: [{ kind: 'other', date: '01-01' }, { kind: 'other', date: '06-30' }, { kind: 'birthday', date: '12-31' }] });
      await newContact({ keyDates: [{ kind: 'other', date: '01-01' }, { kind: 'anniversary', date: '2010-06-30' }] });
      const whole = (await t.api(staff).get('/key-dates?withinDays=366&limit=200').expect(200)).body;
      expect(whole.nextCursor).toBeNull();
      const walked: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/key-dates?withinDays=366&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.api(staff).get(query).expect(200)).body as { items: unknown[]; nextCursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        walked.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 500);
      expect(walked).toEqual(whole.items);
      expect(whole.items.length).toBeGreaterThanOrEqual(5);
      expect(pages).toBe(Math.ceil(whole.items.length / 2));
      await t.api(staff).get('/key-dates?limit=0').expect(400);
      await t.api(staff).get('/key-dates?limit=201').expect(400);
      await t.api(staff).get('/key-dates?cursor=bm90LWEtY3Vyc29y').expect(400);
      for (const key of [['2026-13-45', NO_ID, 1], ['2026-01-01', 'x', 1], ['2026-01-01', NO_ID, 0]]) {
        const forged = Buffer.from(JSON.stringify(key)).toString('base64url');
        await t.api(staff).get(`/key-dates?cursor=${forged}`).expect(400);
      }
    });

    it('answers 400 for withinDays outside 1–366 and 403 for integration keys', async () => {
      for (const q of ['0', '367', '-1', '1.5', 'abc']) await t.api(staff).get(`/key-dates?withinDays=${q}`).expect(400);
      await t.api(staff).get('/key-dates?from=2026-01-01').expect(400);
      await t.api(integration).get('/key-dates').expect(403);
      await t.request().get('/api/v1/key-dates').expect(401);
    });

    it('discloses key dates only under a purpose whose dataCategories name keyDates', async () => {
      const c = await newContact({ givenName: 'Grace', keyDates: [{ kind: 'birthday', date: '12-09' }] });
      for (const purpose of ['greetings', 'names-only']) {
        await t.api(staff).post(`/contacts/${c.id}/consents`, { purpose, method: 'web_form', noticeVersion: 'v1' }).expect(201);
      }
      const yes = await t.api(staff).post('/disclosures', { purpose: 'greetings', recipientId: recipient, contactIds: [c.id] }).expect(201);
      expect(yes.body.disclosed).toEqual([{ contactId: c.id, data: { givenName: 'Grace', keyDates: [{ kind: 'birthday', date: '12-09', label: null }] } }]);
      const no = await t
        .api(staff)
        .post('/disclosures', { purpose: 'names-only', recipientId: recipient, contactIds: [c.id], fields: ['givenName', 'keyDates'] })
        .expect(201);
      expect(no.body.disclosed).toEqual([{ contactId: c.id, data: { givenName: 'Grace' } }]);
    });
  });

  describe('affiliations edited and ended', () => {
    it('corrects a role, honours If-Match, ends the primary role: the organisation is cleared and recipients told', async () => {
      const org = (await t.api(staff).post('/organisations', { name: 'Old Employer' }).expect(201)).body.id as string;
      const org2 = (await t.api(staff).post('/organisations', { name: 'New Employer' }).expect(201)).body.id as string;
      const c = await newContact({ givenName: 'Mover' });
      const aff = (
        await t.api(staff).post(`/contacts/${c.id}/affiliations`, { organisationId: org, jobTitle: 'Buyer', since: '2020-01-01', primary: true }).expect(201)
      ).body;
      expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toMatchObject({ organisationId: org, jobTitle: 'Buyer' });
      await t.api(staff).post(`/contacts/${c.id}/consents`, { purpose: 'names-only', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(staff).post('/disclosures', { purpose: 'names-only', recipientId: recipient, contactIds: [c.id] }).expect(201);
      const deliveries = () =>
        t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE contact_id = $1 AND type = 'contact.rectified'`, [c.id]).then((r) => r[0].n);
      const before = await deliveries();

      const corrected = await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { department: 'Purchasing' }).set('If-Match', '"1"').expect(200);
      expect(corrected.body).toMatchObject({ id: aff.id, department: 'Purchasing', jobTitle: 'Buyer', primary: true, version: 2, current: true });
      expect(corrected.headers.etag).toBe('"2"');
      await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { department: 'X' }).set('If-Match', '"1"').expect(412);
      expect(await deliveries()).toBe(before); // a department is not the contact's data

      await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { until: '2019-12-31' }).expect(400);
      await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { until: '2026-02-30' }).expect(400);
      await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { organisationId: org2 }).expect(400);
      await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { primary: null }).expect(400);
      await t.api(compliance).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { until: today }).expect(403);
      await t.api(integration).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { until: today }).expect(403);

      const ended = await t.api(staff).patch(`/contacts/${c.id}/affiliations/${aff.id}`, { until: today }).expect(200);
      expect(ended.body).toMatchObject({ until: today, primary: true, version: 3 });
      const contact = (await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body;
      expect(contact).toMatchObject({ organisationId: null, jobTitle: null });
      expect(await deliveries()).toBe(before + 1);
      const audit = await t.sql<{ action: string; entity_type: string }>(
        `SELECT action, entity_type FROM audit_events WHERE entity_id IN ($1, $2) AND action = 'update' ORDER BY written_seq`,
        [aff.id, c.id],
      );
      expect(audit.map((a) => a.entity_type)).toEqual(['contact', 'contact_affiliation', 'contact_affiliation', 'contact']);

      // A new role made primary through PATCH becomes the contact's current organisation.
      const next = (await t.api(staff).post(`/contacts/${c.id}/affiliations`, { organisationId: org2, jobTitle: 'Head of Sales' }).expect(201)).body;
      const primary = await t.api(staff).patch(`/contacts/${c.id}/affiliations/${next.id}`, { primary: true }).expect(200);
      expect(primary.body.primary).toBe(true);
      expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toMatchObject({ organisationId: org2, jobTitle: 'Head of Sales' });
      const list = (await t.api(compliance).get(`/contacts/${c.id}/affiliations`).expect(200)).body.items as { id: string; primary: boolean }[];
      expect(list.map((a) => [a.id, a.primary])).toEqual([[aff.id, false], [next.id, true]]);
      expect(await deliveries()).toBe(before + 2);

      // A new role added as primary moves the contact too; the notice names only the fields that changed.
      const org3 = (await t.api(staff).post('/organisations', { name: 'Third Employer' }).expect(201)).body.id as string;
      await t.api(staff).post(`/contacts/${c.id}/affiliations`, { organisationId: org3, primary: true }).expect(201);
      expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toMatchObject({ organisationId: org3, jobTitle: 'Head of Sales' });
      expect(await deliveries()).toBe(before + 3);
      const [last] = await t.sql<{ body: string }>(
        `SELECT body FROM webhook_deliveries WHERE contact_id = $1 AND type = 'contact.rectified' ORDER BY created_at DESC, id LIMIT 1`,
        [c.id],
      );
      expect(JSON.parse(last.body)).toMatchObject({ type: 'contact.rectified', contactId: c.id, fields: ['organisationId'] });
    });

    it('does not notify a recipient of a new primary role when it received none of the changed fields', async () => {
      const org = (await t.api(staff).post('/organisations', { name: 'Card Shop' }).expect(201)).body.id as string;
      const c = await newContact({ givenName: 'Greeted' });
      await t.api(staff).post(`/contacts/${c.id}/consents`, { purpose: 'greetings', method: 'web_form', noticeVersion: 'v1' }).expect(201);
      await t.api(staff).post('/disclosures', { purpose: 'greetings', recipientId: recipient, contactIds: [c.id] }).expect(201);
      await t.api(staff).post(`/contacts/${c.id}/affiliations`, { organisationId: org, jobTitle: 'Owner', primary: true }).expect(201);
      expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toMatchObject({ organisationId: org, jobTitle: 'Owner' });
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE contact_id = $1 AND type = 'contact.rectified'`,
        [c.id],
      );
      expect(n).toBe(0); // it received givenName only
    });

    it('answers 404 for an affiliation of another contact or an unknown one, 400 for a malformed id', async () => {
      const org = (await t.api(staff).post('/organisations', { name: 'Somewhere' }).expect(201)).body.id as string;
      const a = await newContact({});
      const b = await newContact({});
      const aff = (await t.api(staff).post(`/contacts/${a.id}/affiliations`, { organisationId: org }).expect(201)).body;
      await t.api(staff).patch(`/contacts/${b.id}/affiliations/${aff.id}`, { jobTitle: 'x' }).expect(404);
      await t.api(staff).patch(`/contacts/${a.id}/affiliations/${NO_ID}`, { jobTitle: 'x' }).expect(404);
      await t.api(staff).patch(`/contacts/${NO_ID}/affiliations/${aff.id}`, { jobTitle: 'x' }).expect(404);
      await t.api(staff).patch(`/contacts/${a.id}/affiliations/not-a-uuid`, { jobTitle: 'x' }).expect(400);
      const cleared = await t.api(staff).patch(`/contacts/${a.id}/affiliations/${aff.id}`, { jobTitle: 'Chair', until: null }).expect(200);
      expect(cleared.body).toMatchObject({ jobTitle: 'Chair', until: null, primary: false });
    });
  });

  describe('topics on interactions', () => {
    it('stores topics, validates them and lists by topic and period, newest first, confidential summaries hidden', async () => {
      const c = await newContact({ givenName: 'Informant' });
      const log = (body: Record<string, unknown>, key = staff) =>
        t.api(key).post('/interactions', { type: 'call', summary: 'said things', contactIds: [c.id], ...body });
      const old = (await log({ occurredAt: '2026-01-10T10:00:00Z', topics: ['vacancy'] }).expect(201)).body;
      const mid = (await log({ occurredAt: '2026-02-10T10:00:00Z', topics: ['vacancy', 'personnel_change'], confidential: true, summary: 'CFO leaves' }).expect(201)).body;
      const late = (await log({ occurredAt: '2026-03-10T10:00:00Z', topics: ['market'] }).expect(201)).body;
      expect(mid.topics).toEqual(['vacancy', 'personnel_change']);
      expect((await log({ occurredAt: '2026-03-11T10:00:00Z' }).expect(201)).body.topics).toEqual([]);

      for (const topics of [['Not A Slug'], ['a'.repeat(51)], Array.from({ length: 21 }, (_, i) => `t${i}`), ['x', 'x'], [''], [1], null]) {
        await log({ occurredAt: '2026-03-12T10:00:00Z', topics }).expect(400);
      }

      const page = async (q: string, key = otherStaff) => (await t.api(key).get(`/interactions${q}`).expect(200)).body;
      const vac = await page('?topic=vacancy');
      expect(vac.items.map((i: { id: string }) => i.id)).toEqual([mid.id, old.id]);
      expect(vac.items[0]).toMatchObject({ summary: null, summaryHidden: true, topics: ['vacancy', 'personnel_change'] });
      expect((await page('?topic=vacancy', compliance)).items[0].summary).toBe('CFO leaves');
      expect((await page('?topic=vacancy', staff)).items[0].summary).toBe('CFO leaves');
      expect((await page('?topic=vacancy&from=2026-02-01&to=2026-03-01')).items.map((i: { id: string }) => i.id)).toEqual([mid.id]);
      expect((await page('?topic=personnel_change')).items.map((i: { id: string }) => i.id)).toEqual([mid.id]);
      expect((await page('?topic=nobody_said_this')).items).toEqual([]);
      const first = await page('?topic=vacancy&limit=1');
      expect(first.items.map((i: { id: string }) => i.id)).toEqual([mid.id]);
      const second = await page(`?topic=vacancy&limit=1&cursor=${first.nextCursor}`);
      expect([second.items.map((i: { id: string }) => i.id), second.nextCursor]).toEqual([[old.id], null]);
      expect((await page('?from=2026-03-01T00:00:00Z&to=2026-03-11T00:00:00Z')).items.map((i: { id: string }) => i.id)).toEqual([late.id]);

      await t.api(staff).get('/interactions?topic=Bad Topic').expect(400);
      await t.api(staff).get('/interactions?from=2026-03-01&to=2026-02-01').expect(400);
      await t.api(staff).get('/interactions?from=yesterday').expect(400);
      await t.api(integration).get('/interactions?topic=vacancy').expect(403);

      const patched = await t.api(staff).patch(`/interactions/${late.id}`, { topics: ['vacancy'] }).set('If-Match', `"${late.version}"`).expect(200);
      expect(patched.body.topics).toEqual(['vacancy']);
      await t.api(staff).patch(`/interactions/${late.id}`, { topics: ['BAD'] }).expect(400);
      expect((await page('?topic=vacancy')).items.map((i: { id: string }) => i.id)).toEqual([late.id, mid.id, old.id]);
      expect((await page('?topic=market')).items).toEqual([]);
      const cleared = await t.api(staff).patch(`/interactions/${late.id}`, { topics: [] }).expect(200);
      expect(cleared.body.topics).toEqual([]);
    });
  });
});
