import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSchema } from './migration-schema.js';
import { tableReferences } from './sql-table-references.js';
import { FOREIGN_TABLE_ALLOWLIST } from './table-ownership.allowlist.js';
import { PERSONAL_DATA_HOLDERS, TABLE_OWNERS } from './table-owners.js';

// One owner per table (issue 10). Reads the migrations for the schema and every .ts file under src/ for SQL naming
// a table; no database needed. src/architecture/ itself is not scanned (its specs hold SQL examples).

const root = fileURLToPath(new URL('../../', import.meta.url));
const owners: Record<string, string> = TABLE_OWNERS;
const schema = readSchema(join(root, 'migrations'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `src/<folder>/…` → `<folder>` (a file directly in src/ belongs to no feature: ''). */
const folderOf = (file: string) => (file.split('/').length > 2 ? file.split('/')[1] : '');

type ForeignReference = { file: string; table: string; lines: number[] };
let scanned: Map<string, ForeignReference> | undefined;

/** Every (file, table) where a file outside the table's owner folder names the table, with the lines. */
function foreignReferences(): Map<string, ForeignReference> {
  if (scanned) return scanned;
  const found = new Map<string, ForeignReference>();
  const tables = new Set(Object.keys(owners));
  for (const path of sourceFiles(join(root, 'src'))) {
    const file = relative(root, path).split(sep).join('/');
    if (file.startsWith('src/architecture/')) continue;
    for (const ref of tableReferences(file, readFileSync(path, 'utf8'), tables)) {
      if (owners[ref.table] === folderOf(file)) continue;
      const key = `${file} ${ref.table}`;
      const entry = found.get(key) ?? { file, table: ref.table, lines: [] };
      entry.lines.push(ref.line);
      found.set(key, entry);
    }
  }
  return (scanned = found);
}

describe('table ownership (issue 10)', () => {
  it('reads the schema from the migrations', () => {
    expect(schema.size).toBeGreaterThan(20);
    expect([...schema.get('consents')!.columns]).toEqual(
      expect.arrayContaining(['id', 'contact_id', 'purpose_id']),
    );
    expect(schema.get('api_keys')!.columns.has('version')).toBe(true); // added by a later ALTER TABLE
  });

  it('gives every table of the migrations one owning folder (src/architecture/table-owners.ts)', () => {
    const unowned = [...schema.keys()].filter((t) => !(t in owners));
    expect(unowned).toEqual([]);
  });

  it('names in the ownership map only tables that exist and folders that exist under src/', () => {
    expect(Object.keys(owners).filter((t) => !schema.has(t))).toEqual([]);
    const missingFolders = [...new Set(Object.values(owners))].filter((folder) => {
      try {
        return !statSync(join(root, 'src', folder)).isDirectory();
      } catch {
        return true;
      }
    });
    expect(missingFolders).toEqual([]);
  });

  it('finds SQL naming a table only in its owner folder, apart from the allowlisted files', () => {
    const unexpected = [...foreignReferences().values()]
      .filter(({ file, table }) => !(FOREIGN_TABLE_ALLOWLIST[file] ?? []).some((t) => t === table))
      .map(
        ({ file, table, lines }) =>
          `${file}:${lines.join(',')} names ${table}, owned by src/${owners[table]}/`,
      );
    expect(unexpected).toEqual([]);
  });

  it('has no allowlist entry that is no longer needed (the list only shrinks)', () => {
    const found = foreignReferences();
    const stale = Object.entries(FOREIGN_TABLE_ALLOWLIST).flatMap(([file, tables]) =>
      tables.filter((table) => !found.has(`${file} ${table}`)).map((table) => `${file}: ${table}`),
    );
    expect(stale).toEqual([]);
  });

  it('lets only infrastructure modules be @Global() (database, audit, crypto, config)', () => {
    const global = sourceFiles(join(root, 'src'))
      .filter((path) => path.endsWith('.module.ts') && /@Global\(\)/.test(readFileSync(path, 'utf8')))
      .map((path) => folderOf(relative(root, path).split(sep).join('/')))
      .filter((folder) => !['database', 'audit', 'crypto', 'config'].includes(folder));
    expect(global).toEqual([]);
  });

  it('keeps SQL out of services: no *.service.ts calls query(), queryRows() or rowsOf()', () => {
    const withSql = sourceFiles(join(root, 'src'))
      .filter((path) => path.endsWith('.service.ts'))
      .filter((path) => /\b(query|queryRows|rowsOf)\s*(<[^>]*>)?\s*\(/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path).split(sep).join('/'));
    expect(withSql).toEqual([]);
  });

  it('allows foreign tables only in read-only query files (*.query.ts)', () => {
    expect(Object.keys(FOREIGN_TABLE_ALLOWLIST).filter((file) => !file.endsWith('.query.ts'))).toEqual([]);
    const writes = Object.entries(FOREIGN_TABLE_ALLOWLIST).flatMap(([file, tables]) => {
      const source = readFileSync(join(root, file), 'utf8');
      return tables
        .filter((table) =>
          new RegExp(`\\b(insert\\s+into|update|delete\\s+from|truncate)\\s+(only\\s+)?("?public"?\\.)?"?${table}"?\\b`, 'i').test(source),
        )
        .map((table) => `${file} writes ${table}`);
    });
    expect(writes).toEqual([]);
  });

  it('lists every table holding a contact (contact_id or a reference to contacts) as a personal data holder', () => {
    const holders = new Set<string>(PERSONAL_DATA_HOLDERS);
    const holding = [...schema].filter(
      ([, s]) => s.columns.has('contact_id') || s.contactReferences.size > 0,
    );
    expect(holding.length).toBeGreaterThan(5);
    expect(holding.map(([t]) => t).filter((t) => !holders.has(t))).toEqual([]);
    expect(PERSONAL_DATA_HOLDERS.filter((t) => !schema.has(t))).toEqual([]);
  });
});

describe('tableReferences', () => {
  const tables = new Set(['contacts', 'consents', 'follow_ups', 'users']);
  const names = (source: string) =>
    tableReferences('x.ts', source, tables).map((r) => `${r.kind}:${r.table}`);

  it('finds tables after FROM, JOIN, INTO, UPDATE, DELETE FROM, USING, REFERENCES and TABLE', () => {
    expect(names("q('SELECT 1 FROM contacts c JOIN consents k ON k.contact_id = c.id')")).toEqual([
      'sql:contacts',
      'sql:consents',
    ]);
    expect(names('q(`INSERT INTO follow_ups (id) VALUES ($1)`)')).toEqual(['sql:follow_ups']);
    expect(names('q("UPDATE users SET name = $1")')).toEqual(['sql:users']);
    expect(names('q(`DELETE FROM consents USING contacts WHERE true`)')).toEqual([
      'sql:consents',
      'sql:contacts',
    ]);
    expect(names('q(`ALTER TABLE ONLY "users" ADD x uuid REFERENCES contacts(id)`)')).toEqual([
      'sql:users',
      'sql:contacts',
    ]);
    expect(names('q(`select * from public.contacts, consents k, users`)').sort()).toEqual([
      'sql:consents',
      'sql:contacts',
      'sql:users',
    ]);
  });

  it('reads template literals with substitutions and multi-line SQL, and the @Entity table name', () => {
    expect(
      names('q(`SELECT ${cols}\n  FROM ${x} f\n  LEFT JOIN\n    contacts c ON true WHERE ${w}`)'),
    ).toEqual(['sql:contacts']);
    expect(names("@Entity('users') class U {}\n@Entity({ name: 'consents' }) class C {}")).toEqual([
      'entity:users',
      'entity:consents',
    ]);
  });

  it('ignores comments, other words and names that only start like a table', () => {
    expect(names('// SELECT * FROM contacts\n/* JOIN users */ const a = 1;')).toEqual([]);
    expect(
      names("q('SELECT contacts FROM contacts_view JOIN users_x ON true'); const m = 'removed from users';"),
    ).toEqual(['sql:users']);
  });
});

describe('readSchema', () => {
  it('follows CREATE, ALTER … ADD/RENAME and DROP TABLE in up() only, in file order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-'));
    try {
      writeFileSync(
        join(dir, '1-A.ts'),
        `export class A { async up(q) {
          await q.query(\`CREATE TABLE a (id uuid PRIMARY KEY, note text, CONSTRAINT a_ck CHECK (note <> ''))\`);
          await q.query(\`CREATE TABLE b (id uuid, who uuid, CONSTRAINT b_fk FOREIGN KEY (who) REFERENCES contacts (id))\`);
          await q.query(\`CREATE TABLE gone (id uuid)\`);
        } async down(q) { await q.query(\`CREATE TABLE only_in_down (contact_id uuid)\`); } }`,
      );
      writeFileSync(
        join(dir, '2-B.ts'),
        `export class B { async up(q) {
          await q.query('ALTER TABLE a ADD COLUMN contact_id uuid, DROP COLUMN note');
          await q.query('ALTER TABLE b RENAME TO c');
          await q.query('DROP TABLE gone');
        } async down() {} }`,
      );
      const s = readSchema(dir);
      expect([...s.keys()].sort()).toEqual(['a', 'c']);
      expect([...s.get('a')!.columns].sort()).toEqual(['contact_id', 'id']);
      expect([...s.get('c')!.contactReferences]).toEqual(['who']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
