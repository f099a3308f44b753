// Benchmark: POST /api/v1/interactions with five contacts and a follow-up, on a database that already
// holds SEED_INTERACTIONS (default 500,000) interactions. Talks to a running server (API_URL, ADMIN_API_KEY);
// seeds through DATABASE_URL (the same database the server uses). Start the server with RATE_LIMIT_PER_MINUTE=0.
//
//   DATABASE_URL=postgres://… API_URL=http://localhost:3000 ADMIN_API_KEY=… node bench/interactions/create-interaction.bench.mjs
import pg from 'pg';

const API = (process.env.API_URL ?? 'http://localhost:3000') + '/api/v1';
const ADMIN = process.env.ADMIN_API_KEY;
const SEED = Number(process.env.SEED_INTERACTIONS ?? 500_000);
const RUNS = Number(process.env.RUNS ?? 300);
if (!ADMIN || !process.env.DATABASE_URL) throw new Error('set DATABASE_URL and ADMIN_API_KEY');

const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
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

const stamp = Date.now();
const user = await call(ADMIN, 'POST', '/users', { name: 'Bench', email: `bench-${stamp}@example.org`, role: 'staff' });
const key = (await call(ADMIN, 'POST', '/api-keys', { name: 'bench', role: 'staff', userId: user.id })).key;

const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM interactions');
if (n < SEED) {
  const t0 = Date.now();
  await db.query(`INSERT INTO contacts (given_name, family_name) SELECT 'Bench', 'Contact ' || g FROM generate_series(1, 20000) g`);
  const { rows: ids } = await db.query(`SELECT array_agg(id) AS ids FROM (SELECT id FROM contacts ORDER BY created_at DESC LIMIT 20000) s`);
  await db.query(
    `WITH ins AS (
       INSERT INTO interactions (type, occurred_at, summary, author_id, reciprocity)
       SELECT (ARRAY['meeting','call','email','event','message','other'])[1 + g % 6],
              now() - (g % 1000) * interval '1 day', 'Seeded interaction ' || g, $1, (ARRAY['give','exchange','ask'])[1 + g % 3]
         FROM generate_series(1, $2::int) g
       RETURNING id)
     INSERT INTO interaction_contacts (interaction_id, contact_id)
     SELECT ins.id, ($3::uuid[])[1 + (abs(hashtext(ins.id::text)) % 20000)] FROM ins`,
    [user.id, SEED - n, ids[0].ids],
  );
  await db.query(`INSERT INTO follow_ups (interaction_id, due_at, assignee_id) SELECT id, occurred_at + interval '3 days', author_id FROM interactions TABLESAMPLE SYSTEM (20)`);
  await db.query('ANALYZE');
  console.error(`seeded ${SEED - n} interactions in ${Date.now() - t0} ms`);
}
const { rows: pool } = await db.query('SELECT id FROM contacts ORDER BY random() LIMIT 5000');

const body = (i) => ({
  type: 'meeting',
  occurredAt: new Date().toISOString(),
  summary: `Bench interaction ${i}`,
  contactIds: Array.from({ length: 5 }, (_, k) => pool[(i * 5 + k) % pool.length].id),
  reciprocity: 'exchange',
  followUp: { note: 'Follow up' },
});
for (let i = 0; i < 20; i++) await call(key, 'POST', '/interactions', body(i));
const times = [];
for (let i = 20; i < 20 + RUNS; i++) {
  const t = performance.now();
  await call(key, 'POST', '/interactions', body(i));
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
const { rows: [{ total }] } = await db.query('SELECT count(*)::int AS total FROM interactions');
console.log(JSON.stringify({ interactions: total, runs: RUNS, medianMs: Number(q(0.5)), p95Ms: Number(q(0.95)), p99Ms: Number(q(0.99)) }));
await db.end();
