import { DataSource } from 'typeorm';
import { moveContactReferences } from '../../src/database/move-references.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Merge moves a contact's rows table by table through each owner's PersonalDataHolder, with moveContactReferences:
 * rows that would duplicate a row the survivor already has are dropped, for plain unique constraints (set-based) and
 * for partial or expression unique indexes (row by row under savepoints). Tables of this test only, so that every
 * kind of unique rule is covered whatever the real schema has.
 */
describe('moveContactReferences', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    for (const name of ['survivor', 'dup', 'other']) {
      const res = await t.api().post('/contacts', { givenName: 'Move', familyName: name }).expect(201);
      ids[name] = res.body.id as string;
    }
    await t.sql(`CREATE TABLE test_contact_links (contact_id uuid NOT NULL REFERENCES contacts(id), label text NOT NULL, UNIQUE (contact_id, label))`);
    await t.sql(`CREATE TABLE test_contact_primary (id serial PRIMARY KEY, contact_id uuid NOT NULL REFERENCES contacts(id), main boolean NOT NULL)`);
    await t.sql(`CREATE UNIQUE INDEX test_contact_primary_uq ON test_contact_primary (contact_id) WHERE main`);
    await t.sql(`CREATE TABLE test_contact_notes (contact_id uuid NOT NULL REFERENCES contacts(id), note text NOT NULL)`);
    await t.sql(`INSERT INTO test_contact_links VALUES ($1, 'shared'), ($2, 'shared'), ($2, 'only-dup'), ($3, 'shared')`, [
      ids.survivor,
      ids.dup,
      ids.other,
    ]);
    await t.sql(`INSERT INTO test_contact_primary (contact_id, main) VALUES ($1, true), ($2, true), ($2, false)`, [ids.survivor, ids.dup]);
    await t.sql(`INSERT INTO test_contact_notes VALUES ($1, 'a'), ($1, 'b')`, [ids.dup]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const move = (table: string) =>
    t.app.get(DataSource).transaction((m) => moveContactReferences(m, table, 'contact_id', ids.dup, ids.survivor));

  it('should move plain rows', async () => {
    expect(await move('test_contact_notes')).toEqual({ moved: 2, dropped: 0 });
    expect(await t.sql(`SELECT note FROM test_contact_notes WHERE contact_id = $1 ORDER BY note`, [ids.survivor])).toEqual([
      { note: 'a' },
      { note: 'b' },
    ]);
  });

  it('should drop what a plain unique constraint forbids and move the rest', async () => {
    expect(await move('test_contact_links')).toEqual({ moved: 1, dropped: 1 });
    const links = await t.sql<{ contact_id: string; label: string }>(`SELECT contact_id, label FROM test_contact_links ORDER BY label, contact_id`);
    expect(links.filter((l) => l.contact_id === ids.dup)).toEqual([]);
    expect(links.filter((l) => l.contact_id === ids.survivor).map((l) => l.label).sort()).toEqual(['only-dup', 'shared']);
    expect(links.filter((l) => l.contact_id === ids.other)).toHaveLength(1);
  });

  it('should honour a partial unique index row by row', async () => {
    expect(await move('test_contact_primary')).toEqual({ moved: 1, dropped: 1 });
    expect((await t.sql<{ main: boolean }>(`SELECT main FROM test_contact_primary WHERE contact_id = $1 ORDER BY main`, [ids.survivor])).map((p) => p.main)).toEqual([
      false,
      true,
    ]);
    expect(await t.sql(`SELECT 1 FROM test_contact_primary WHERE contact_id = $1`, [ids.dup])).toHaveLength(0);
  });
});
