// Benchmark: contact search (POST /api/v1/contacts/search with a misspelt name, a misspelt family name alone, an e-mail address or an
// organisation name, and GET /api/v1/contacts without q) over SEED_CONTACTS (default 100,000) contacts.
// Talks to a running server (API_URL, ADMIN_API_KEY); seeds through DATABASE_URL (the server's database).
//
//   DATABASE_URL=postgres://… API_URL=http://localhost:3000 ADMIN_API_KEY=… node bench/contacts/search.bench.mjs
// or, self-contained (build in /tmp, embedded PostgreSQL, server, seed, measure, stop):
//   node bench/contacts/run.mjs
import pg from 'pg';

export async function runSearchBench({ databaseUrl, apiUrl, adminKey, seed = 100_000, runs = 300 }) {
  const API = apiUrl + '/api/v1';
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const call = async (key, method, path, body) => {
    const res = await fetch(API + path, {
      method,
      headers: { 'X-API-Key': key, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const key = (await call(adminKey, 'POST', '/api-keys', { name: 'bench', role: 'staff' })).key;

  const given = ['Anna', 'Lukas', 'Marie', 'Felix', 'Sophie', 'Jonas', 'Emma', 'Leon', 'Hannah', 'Paul', 'Lea', 'Elias', 'Clara', 'Noah', 'Lena', 'Ben', 'Mia', 'Finn', 'Laura', 'Max'];
  const family = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger'];
  const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM contacts');
  if (n < seed) {
    const t0 = Date.now();
    await db.query(`INSERT INTO organisations (name, kind) SELECT 'Bench ' || (ARRAY['Werke','Institut','Kammer','Verband','Stiftung'])[1 + g % 5] || ' ' || g, 'company' FROM generate_series(1, 1000) g`);
    // Family names get a syllable and a number so that most names are distinct, as in a real address book.
    await db.query(
      `WITH orgs AS (SELECT array_agg(id) AS ids FROM organisations WHERE name LIKE 'Bench %')
       INSERT INTO contacts (given_name, family_name, emails, phones, organisation_id, tags, created_at)
       SELECT ($1::text[])[1 + g % 20],
              ($2::text[])[1 + (g / 20) % 20] || (ARRAY['', 'berg', 'mann', 'er', 'hausen', 'feld', 'ing', 'stein'])[1 + (g / 400) % 8] || (g / 3200),
              jsonb_build_array(jsonb_build_object('address', lower(($1::text[])[1 + g % 20]) || '.' || g || '@bench' || (g % 1000) || '.example', 'label', 'work')),
              '[]', orgs.ids[1 + g % 1000], ARRAY['bench', 'tag' || (g % 50)], now() - g * interval '1 second'
       FROM generate_series(1, $3::int) g, orgs`,
      [given, family, seed - n],
    );
    await db.query('VACUUM ANALYZE contacts');
    await db.query('ANALYZE organisations');
    console.error(`seeded ${seed - n} contacts in ${Date.now() - t0} ms`);
  }
  const { rows: sample } = await db.query(`SELECT given_name, family_name, email_addresses[1] AS email FROM contacts ORDER BY random() LIMIT 2000`);
  const { rows: orgs } = await db.query(`SELECT name FROM organisations ORDER BY random() LIMIT 200`);
  // One typo: drop a letter from the family name.
  const typo = (s) => (s.length > 4 ? s.slice(0, 2) + s.slice(3) : s);
  const kinds = {
    'misspelt name (POST /contacts/search)': (i) => ({ q: `${sample[i % sample.length].given_name} ${typo(sample[i % sample.length].family_name)}` }),
    'misspelt family name alone (POST /contacts/search)': (i) => ({ q: typo(sample[i % sample.length].family_name) }),
    'e-mail address (POST /contacts/search)': (i) => ({ q: sample[i % sample.length].email }),
    'organisation name (POST /contacts/search)': (i) => ({ q: orgs[i % orgs.length].name }),
  };
  const results = {};
  const measure = async (label, fn) => {
    for (let i = 0; i < 20; i++) await fn(i);
    const times = [];
    let hits = 0;
    for (let i = 20; i < 20 + runs; i++) {
      const t = performance.now();
      const page = await fn(i);
      times.push(performance.now() - t);
      if (page.items.length) hits += 1;
    }
    times.sort((a, b) => a - b);
    const q = (p) => Number(times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1));
    results[label] = { runs, withResults: hits, medianMs: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99) };
    console.error(label, JSON.stringify(results[label]));
  };
  for (const [label, body] of Object.entries(kinds)) await measure(label, (i) => call(key, 'POST', '/contacts/search', { ...body(i), limit: 20 }));
  await measure('list without q (GET /contacts?limit=50)', () => call(key, 'GET', '/contacts?limit=50'));
  const { rows: [{ total }] } = await db.query('SELECT count(*)::int AS total FROM contacts');
  await db.end();
  return { contacts: total, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { DATABASE_URL, API_URL = 'http://localhost:3000', ADMIN_API_KEY } = process.env;
  if (!ADMIN_API_KEY || !DATABASE_URL) throw new Error('set DATABASE_URL and ADMIN_API_KEY');
  const out = await runSearchBench({
    databaseUrl: DATABASE_URL, apiUrl: API_URL, adminKey: ADMIN_API_KEY,
    seed: Number(process.env.SEED_CONTACTS ?? 100_000), runs: Number(process.env.RUNS ?? 300),
  });
  console.log(JSON.stringify(out, null, 2));
}
