#!/usr/bin/env node
// Compares the contact search (`searchContacts`, names through contact_search_names) with the search that scores
// every candidate (`searchContactsExhaustive`, the query before it) on a database, row for row and page by page:
// same ids, same scores, same order, same cursors. Reads only; the archive/erasure/merge cases are made inside a
// transaction that is rolled back.
//
//   npm run build && DATABASE_URL=postgres://postgres:bench@127.0.0.1:54329/rapport_bench node bench/contacts/search-identical.mjs
//
// Terms: misspelt names as the bench load makes them, one-word typos, prefixes, exact names, e-mail addresses (and a
// typo in one), organisation names (and a typo), no match; with and without includeArchived and an organisation
// filter; three pages of 20 (and of 7) each.
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { searchContacts, searchContactsExhaustive } = await import(path.join(root, 'dist/src/contacts/contact-search.query.js'));
const { encodeCursor } = await import(path.join(root, 'dist/src/common/http/pagination.js'));

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const client = new pg.Client({ connectionString: url });
await client.connect();
// What TypeORM's EntityManager.query answers for a SELECT: the rows.
const m = { query: async (sql, params) => (await client.query(sql, params)).rows };

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
const typo = (w) => {
  const i = 1 + Math.floor(rnd() * (w.length - 2));
  const k = Math.floor(rnd() * 3);
  return k === 0 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : k === 1 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i);
};
const norm = (q) => q.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');

const names = (await client.query(`SELECT DISTINCT given_name, family_name FROM contacts WHERE erased_at IS NULL LIMIT 500`)).rows;
const emails = (await client.query(`SELECT email_addresses[1] AS e FROM contacts WHERE cardinality(email_addresses) > 0 ORDER BY id LIMIT 5`)).rows.map((r) => r.e);
const orgs = (await client.query(`SELECT id, name FROM organisations ORDER BY id LIMIT 5`)).rows;
const terms = new Set();
for (let i = 0; i < 12; i++) { const n = pick(names); terms.add(`${n.given_name} ${typo(n.family_name)}`); }
for (let i = 0; i < 4; i++) { const n = pick(names); terms.add(typo(n.family_name)); terms.add(n.given_name); }
for (const n of names.slice(0, 3)) { terms.add(`${n.given_name} ${n.family_name}`); terms.add(n.family_name.slice(0, 4)); terms.add(`${n.given_name} ${n.family_name.slice(0, 3)}`); }
for (const e of emails) { terms.add(e); terms.add(e.replace(/@(.)/, '@$1$1')); terms.add(e.split('@')[0]); }
for (const o of orgs.slice(0, 3)) { terms.add(o.name); terms.add(typo(o.name)); }
terms.add('zzqxv');
terms.add('example');

const filters = [{}, { includeArchived: true }, { organisationId: orgs[0].id }];
let compared = 0;
let rows = 0;
const failures = [];
const timing = { fast: 0, exhaustive: 0 };
const perTerm = new Map();
let current = '';

async function pages(fn, f, term, limit) {
  const out = [];
  let cursor;
  for (let page = 0; page < 3; page++) {
    await client.query('BEGIN');
    const t0 = performance.now();
    const r = await fn(m, { ...f, cursor }, term, limit);
    const ms = performance.now() - t0;
    timing[fn === searchContacts ? 'fast' : 'exhaustive'] += ms;
    const e = perTerm.get(current) ?? { fast: 0, exhaustive: 0 };
    e[fn === searchContacts ? 'fast' : 'exhaustive'] += ms;
    perTerm.set(current, e);
    await client.query('COMMIT');
    out.push(...r.slice(0, limit).map((x) => `${x.id}:${x.score}`));
    if (r.length <= limit) break;
    const last = r[limit - 1];
    cursor = encodeCursor([last.score, last.id]);
  }
  return out;
}

async function compareAll(label) {
  for (const raw of terms) {
    const term = norm(raw);
    for (const f of filters) {
      current = `${term} ${JSON.stringify(f)}`;
      for (const limit of [20, 7]) {
        const a = await pages(searchContacts, f, term, limit);
        const b = await pages(searchContactsExhaustive, f, term, limit);
        compared++;
        rows += b.length;
        if (JSON.stringify(a) !== JSON.stringify(b)) failures.push({ label, term, f, limit, fast: a.slice(0, 5), exhaustive: b.slice(0, 5), n: [a.length, b.length] });
      }
    }
  }
}

await compareAll('as seeded');
// Archived, erased and merged contacts, and a renamed one, inside a transaction that is rolled back.
await client.query('BEGIN');
await client.query(`UPDATE contacts SET archived_at = now() WHERE id IN (SELECT id FROM contacts ORDER BY id LIMIT 40)`);
await client.query(`UPDATE contacts SET given_name = 'Erased', family_name = 'Contact', emails = '[]', erased_at = now()
  WHERE id IN (SELECT id FROM contacts ORDER BY id OFFSET 40 LIMIT 40)`);
await client.query(`UPDATE contacts c SET merged_into_id = (SELECT id FROM contacts ORDER BY id DESC LIMIT 1)
  WHERE id IN (SELECT id FROM contacts ORDER BY id OFFSET 80 LIMIT 40)`);
await client.query(`UPDATE contacts SET family_name = family_name || 'x' WHERE id IN (SELECT id FROM contacts ORDER BY id OFFSET 120 LIMIT 40)`);
// `pages` commits after each page: run the second pass on savepoints instead.
const begin = client.query.bind(client);
client.query = (sql, params) =>
  sql === 'BEGIN' ? begin('SAVEPOINT p') : sql === 'COMMIT' ? begin('RELEASE SAVEPOINT p') : begin(sql, params);
if (!process.env.QUICK) await compareAll('archived, erased, merged, renamed (rolled back)');
client.query = begin;
await client.query('ROLLBACK');
await client.end();

console.log(JSON.stringify({ terms: terms.size, comparisons: compared, rowsCompared: rows, failures: failures.length,
  msFast: Math.round(timing.fast), msExhaustive: Math.round(timing.exhaustive) }));
for (const f of failures.slice(0, 10)) console.log(JSON.stringify(f));
if (process.env.DETAIL) for (const [k, v] of perTerm) console.log(`${k}\tfast ${Math.round(v.fast)} ms\texhaustive ${Math.round(v.exhaustive)} ms`);
process.exit(failures.length ? 1 : 0);
