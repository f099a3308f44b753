import { PersonalDataHolders } from '../../src/common/personal-data/personal-data-holder.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 10: export, erasure and merge iterate the registered PersonalDataHolders, so a table that keeps a contact's
 * data but has no holder would silently be left out of all three. This test reads the real schema and fails then.
 */
describe('PersonalDataHolders', () => {
  let t: TestApp;
  let held: Set<string>;

  beforeAll(async () => {
    t = await createTestApp();
    held = new Set(t.app.get(PersonalDataHolders).heldColumns().map((c) => `${c.table}.${c.column}`));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should have a holder for every column named contact_id and every column referencing contacts', async () => {
    const columns = await t.sql<{ col: string }>(
      `SELECT table_name || '.' || column_name AS col FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'contact_id'
       UNION
       SELECT cl.relname || '.' || a.attname FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.confrelid = 'contacts'::regclass
       ORDER BY 1`,
    );
    expect(columns.length).toBeGreaterThan(8);
    const missing = columns.map((c) => c.col).filter((c) => !held.has(c));
    expect(missing).toEqual([]);
  });

  it('should name only columns that exist (a holder for a dropped table is a mistake too)', async () => {
    const existing = new Set(
      (
        await t.sql<{ col: string }>(
          `SELECT table_name || '.' || column_name AS col FROM information_schema.columns WHERE table_schema = current_schema()`,
        )
      ).map((r) => r.col),
    );
    expect([...held].filter((c) => !existing.has(c))).toEqual([]);
  });

  it('should run erasure holders in a fixed order: the contact row first, its data key last', () => {
    const holders = t.app.get(PersonalDataHolders).all();
    const orders = holders.map((h) => h.erasureOrder);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(holders[0].holds.map((c) => c.table)).toContain('contacts');
    expect(holders[holders.length - 1].holds.map((c) => c.table)).toEqual(['contact_keys']);
  });
});
