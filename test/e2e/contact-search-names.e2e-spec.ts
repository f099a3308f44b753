import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { encodeCursor } from '../../src/common/http/pagination.js';
import { searchContacts, searchContactsExhaustive } from '../../src/contacts/contact-search.query.js';

/**
 * `contact_search_names` (the distinct names the typo search matches against; migration 1768700000000) is kept
 * right by triggers on contacts through every write path, and the search through it answers exactly what scoring
 * every candidate answered (`searchContactsExhaustive`), page by page.
 */
describe('Contact search: the table of distinct names', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
  });
  afterAll(async () => {
    await t?.close();
  });

  const terms = async (): Promise<string[]> =>
    (await t.sql<{ term: string }>(`SELECT term FROM contact_search_names ORDER BY term`)).map((r) => r.term);
  /** The table holds exactly the names contacts carry. */
  const expectInStep = async () => {
    const carried = await t.sql<{ n: string }>(`SELECT DISTINCT search_name AS n FROM contacts ORDER BY n`);
    expect(await terms()).toEqual(carried.map((r) => r.n));
  };
  const create = async (body: Record<string, unknown>) =>
    (await t.api(staff).post('/contacts', { tags: ['names'], ...body }).expect(201)).body as { id: string };
  const found = async (q: string, extra: Record<string, unknown> = {}) =>
    (await t.api(staff).post('/contacts/search', { q, tag: 'names', ...extra }).expect(200)).body.items.map(
      (x: { id: string }) => x.id,
    );

  it('should add a name with its contact, keep it while one contact carries it, and drop it after the last rename', async () => {
    const a = await create({ givenName: 'Zenobia', familyName: 'Quartermaine' });
    expect(await terms()).toContain('zenobia quartermaine');
    const b = await create({ givenName: 'ZENOBIA', familyName: 'Quartermaine' });
    expect(await found('Zenobia Quartermane')).toEqual([a.id, b.id].sort());

    await t.api(staff).patch(`/contacts/${a.id}`, { familyName: 'Quatermain' }).expect(200);
    expect(await terms()).toEqual(expect.arrayContaining(['zenobia quartermaine', 'zenobia quatermain']));
    await t.api(staff).patch(`/contacts/${b.id}`, { givenName: 'Zenobie' }).expect(200);
    expect(await terms()).not.toContain('zenobia quartermaine');
    // Both still within a typo of the old name (their names now differ, so their scores do too: the order is by
    // score, not by id); each found first by its own.
    expect((await found('Zenobia Quartermane')).sort()).toEqual([a.id, b.id].sort());
    expect((await found('Zenobia Quatermain'))[0]).toBe(a.id);
    expect((await found('Zenobie Quartermaine'))[0]).toBe(b.id);
    // A change that leaves the name alone (the job title) does not touch the table.
    await t.api(staff).patch(`/contacts/${a.id}`, { jobTitle: 'Navigator' }).expect(200);
    await expectInStep();
  });

  it('should find a contact by its new address and not its old one, its name unchanged', async () => {
    const c = await create({ givenName: 'Osric', familyName: 'Vandermeer', emails: [{ address: 'osric.old@vdm.example' }] });
    expect(await found('osric.old@vdm.example')).toEqual([c.id]);
    await t.api(staff).patch(`/contacts/${c.id}`, { emails: [{ address: 'o.new@harbour.example' }] }).expect(200);
    expect(await found('osric.old@vdm.example')).toEqual([]);
    expect(await found('o.new@harbour.example')).toEqual([c.id]);
    expect(await found('Osric Vandermer')).toEqual([c.id]);
    await expectInStep();
  });

  it('should leave archived contacts out unless asked, and erased and merged ones out always', async () => {
    const archived = await create({ givenName: 'Perpetua', familyName: 'Okonkwo' });
    const live = await create({ givenName: 'Perpetua', familyName: 'Okonkwo' });
    await t.api(staff).delete(`/contacts/${archived.id}`).expect((r) => expect([200, 204]).toContain(r.status));
    expect(await found('Perpetua Okonkow')).toEqual([live.id]);
    expect(await found('Perpetua Okonkow', { includeArchived: true })).toEqual([archived.id, live.id].sort());

    // Erasure: the person's name leaves the table with the erasure (no other contact carries it).
    const erased = await create({ givenName: 'Thaddeus', familyName: 'Wolstenholme' });
    expect(await terms()).toContain('thaddeus wolstenholme');
    await t.api(compliance).post(`/contacts/${erased.id}/erase`).expect(200);
    expect(await terms()).not.toContain('thaddeus wolstenholme');
    expect(await found('Thaddeus Wolstenholm', { includeArchived: true })).toEqual([]);

    // Merge: the duplicate's tombstone is never found, the survivor is.
    const survivor = await create({ givenName: 'Ignatius', familyName: 'Fairweather' });
    const duplicate = await create({ givenName: 'Ignatius', familyName: 'Fairwether' });
    expect(await found('Ignatius Fairweathr')).toEqual(expect.arrayContaining([survivor.id, duplicate.id]));
    await t.api(staff).post(`/contacts/${survivor.id}/merge`, { duplicateId: duplicate.id }).expect(200);
    expect(await found('Ignatius Fairweathr', { includeArchived: true })).toEqual([survivor.id]);
    expect(await found('Ignatius Fairwether', { includeArchived: true })).toEqual([survivor.id]);
    await expectInStep();
  });

  it('should follow an organisation rename and drop the names of deleted rows', async () => {
    const org = (await t.api(staff).post('/organisations', { name: 'Grimsby Lighthouse Trust' }).expect(201)).body;
    const c = await create({ givenName: 'Hortensia', familyName: 'Blackwood', organisationId: org.id });
    expect(await found('Grimsby Lighthouse')).toEqual([c.id]);
    await t.api(staff).patch(`/organisations/${org.id}`, { name: 'Humber Beacon Society' }).expect(200);
    expect(await found('Grimsby Lighthouse')).toEqual([]);
    expect(await found('Humber Beacon')).toEqual([c.id]);

    // Rows deleted in SQL (the benchmark's clean-up does so) take their names along, several in one statement.
    await t.sql(`INSERT INTO contacts (given_name, family_name, tags) SELECT 'Deleted', 'Person' || n, '{names}' FROM generate_series(1, 3) n`);
    expect(await terms()).toContain('deleted person2');
    await t.sql(`DELETE FROM contacts WHERE given_name = 'Deleted'`);
    expect((await terms()).filter((x) => x.startsWith('deleted '))).toEqual([]);
    await expectInStep();
  });

  it('should keep a name that a concurrent transaction gives a new contact while the last other carrier is renamed', async () => {
    const last = await create({ givenName: 'Leopoldine', familyName: 'Achterberg' });
    const adder = new pg.Client({ connectionString: t.databaseUrl });
    const renamer = new pg.Client({ connectionString: t.databaseUrl });
    await adder.connect();
    await renamer.connect();
    try {
      await adder.query('BEGIN');
      const added = await adder.query<{ id: string }>(
        `INSERT INTO contacts (given_name, family_name, tags) VALUES ('Leopoldine', 'Achterberg', '{names}') RETURNING id`,
      );
      // The rename waits for the adding transaction (its key-share lock on the name), then sees its contact.
      await renamer.query('BEGIN');
      const renaming = renamer.query(`UPDATE contacts SET family_name = 'Achterbergh' WHERE id = $1`, [last.id]);
      const waited = await Promise.race([renaming.then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
      expect(waited).toBe(true);
      await adder.query('COMMIT');
      await renaming;
      await renamer.query('COMMIT');
      expect(await terms()).toEqual(expect.arrayContaining(['leopoldine achterberg', 'leopoldine achterbergh']));
      expect(await found('Leopoldine Achterberg')).toContain(added.rows[0].id);

      // The other way round: a removal that went first; the adder waits for it and adds the name again.
      await renamer.query('BEGIN');
      await renamer.query(`UPDATE contacts SET family_name = 'Achterberk' WHERE id = $1`, [added.rows[0].id]);
      await adder.query('BEGIN');
      const adding = adder.query(
        `INSERT INTO contacts (given_name, family_name, tags) VALUES ('Leopoldine', 'Achterberg', '{names}') RETURNING id`,
      );
      await new Promise((r) => setTimeout(r, 200));
      await renamer.query('COMMIT');
      await adding;
      await adder.query('COMMIT');
      await expectInStep();
      expect(await terms()).toContain('leopoldine achterberg');
    } finally {
      await adder.end();
      await renamer.end();
    }
  });

  it('should answer what scoring every candidate answered, page by page, for typos, prefixes, addresses and organisations', async () => {
    // Many contacts per name, as in the benchmark's seed; archived, erased and merged ones among them.
    const orgs = await t.sql<{ id: string; name: string }>(
      `INSERT INTO organisations (name, kind) SELECT 'Ranking Works ' || n, 'company' FROM generate_series(1, 4) n RETURNING id, name`,
    );
    await t.sql(
      `INSERT INTO contacts (given_name, family_name, emails, organisation_id, tags, archived_at)
       SELECT (ARRAY['Ada','Radia','Alan','Grace'])[1 + n % 4], (ARRAY['Lovelace','Perlman','Turing','Hopper','Lovelock'])[1 + n % 5],
              jsonb_build_array(jsonb_build_object('address', CASE WHEN n % 9 = 0 THEN 'ada.lovelace' || n || '@rank.example' ELSE 'r' || n || '@rank.example' END)),
              ($1::uuid[])[1 + n % 4], '{rank}', CASE WHEN n % 11 = 0 THEN now() END
         FROM generate_series(1, 240) n`,
      [orgs.map((o) => o.id)],
    );
    await t.sql(`UPDATE contacts SET given_name = 'Erased', family_name = 'Contact', emails = '[]', erased_at = now()
                  WHERE 'rank' = ANY(tags) AND id IN (SELECT id FROM contacts WHERE 'rank' = ANY(tags) ORDER BY id LIMIT 9)`);
    await t.sql(`UPDATE contacts SET merged_into_id = (SELECT id FROM contacts WHERE 'rank' = ANY(tags) ORDER BY id DESC LIMIT 1)
                  WHERE id IN (SELECT id FROM contacts WHERE 'rank' = ANY(tags) AND erased_at IS NULL ORDER BY id OFFSET 20 LIMIT 9)`);
    await expectInStep();

    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    const m = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows } as unknown as EntityManager;
    type Search = typeof searchContacts;
    const pages = async (search: Search, f: Record<string, unknown>, term: string, limit: number) => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 40; page++) {
        await client.query('BEGIN');
        const rows = await search(m, { tag: 'rank', ...f, cursor }, term, limit);
        await client.query('COMMIT');
        out.push(...rows.slice(0, limit).map((r) => `${r.id} ${r.score}`));
        if (rows.length <= limit) break;
        cursor = encodeCursor([rows[limit - 1].score, rows[limit - 1].id]);
      }
      return out;
    };
    try {
      const qs = [
        'ada lovelce', 'radia perlmn', 'lovelace', 'lovlace', 'ada', 'ada love', 'grace hoper', 'lovelock ada',
        'ada.lovelace9@rank.example', 'ada.lovelace18@rank.exmple', 'r10@rank.example', 'rank.example', 'ada.lovelace',
        'ranking works 2', 'rankng works', 'zzqxv', 'erased contact', 'turing 7',
      ];
      let rows = 0;
      for (const q of qs) {
        for (const f of [{}, { includeArchived: true }, { organisationId: orgs[1].id }]) {
          for (const limit of [7, 50]) {
            const fast = await pages(searchContacts, f, q, limit);
            expect({ q, f, limit, rows: fast }).toEqual({ q, f, limit, rows: await pages(searchContactsExhaustive, f, q, limit) });
            rows += fast.length;
          }
        }
      }
      // The comparison compared something: many shared names, and pages after pages.
      expect(rows).toBeGreaterThan(2000);
    } finally {
      await client.end();
    }
  });
});
