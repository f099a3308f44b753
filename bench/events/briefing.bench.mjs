// Benchmark: GET /api/v1/events/:id/briefing for an event with ATTENDEES (default 500) attendees, each known to a
// few of STAFF (default 20) staff members through INTERACTIONS_PER_ATTENDEE (default 20) interactions, a quarter of
// them with a follow-up (half open). Target (issue 14): p95 under 200 ms for 500 attendees. The briefing's attendee
// part is ONE SQL statement (src/events/event-briefing.query.ts, briefingRows), whatever the number of attendees.
// Talks to a running server (API_URL, ADMIN_API_KEY; start it with RATE_LIMIT_PER_MINUTE=0); seeds through
// DATABASE_URL (the same database the server uses). Each run seeds a new event; the interactions stay.
//
//   DATABASE_URL=postgres://… API_URL=http://localhost:3000 ADMIN_API_KEY=… node bench/events/briefing.bench.mjs
import pg from 'pg';

const API = (process.env.API_URL ?? 'http://localhost:3000') + '/api/v1';
const ADMIN = process.env.ADMIN_API_KEY;
const ATTENDEES = Number(process.env.ATTENDEES ?? 500);
const STAFF = Number(process.env.STAFF ?? 20);
const PER = Number(process.env.INTERACTIONS_PER_ATTENDEE ?? 20);
const RUNS = Number(process.env.RUNS ?? 200);
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
const staff = [];
for (let s = 0; s < STAFF; s++) {
  staff.push((await call(ADMIN, 'POST', '/users', { name: `Bench ${s}`, email: `bench-brief-${stamp}-${s}@example.org`, role: 'staff' })).id);
}
const key = (await call(ADMIN, 'POST', '/api-keys', { name: 'bench briefing', role: 'staff', userId: staff[0] })).key;
const event = await call(key, 'POST', '/events', {
  name: `Bench fair ${stamp}`, startsAt: new Date().toISOString(), representativeIds: staff.slice(0, 3),
  goals: 'Benchmark', keyMessages: ['one', 'two'],
});

const t0 = Date.now();
const { rows: contacts } = await db.query(
  `INSERT INTO contacts (given_name, family_name) SELECT 'Bench', 'Attendee ' || g FROM generate_series(1, $1::int) g RETURNING id`,
  [ATTENDEES],
);
const ids = contacts.map((c) => c.id);
await db.query(`INSERT INTO event_attendees (event_id, contact_id, created_by) SELECT $1, unnest($2::uuid[]), 'bench'`, [event.id, ids]);
await db.query(
  `WITH src AS (
     SELECT c, g, $2::uuid[] AS staff FROM unnest($1::uuid[]) c, generate_series(1, $3::int) g),
   ins AS (
     INSERT INTO interactions (type, occurred_at, summary, author_id)
     SELECT 'meeting', now() - (g * 7) * interval '1 day', c::text, staff[1 + (abs(hashtext(c::text)) + g) % array_length(staff, 1)]
       FROM src RETURNING id, summary, author_id)
   INSERT INTO interaction_contacts (interaction_id, contact_id) SELECT id, summary::uuid FROM ins`,
  [ids, staff, PER],
);
// A quarter of the interactions get a follow-up; half of those are closed on their due date.
await db.query(
  `INSERT INTO follow_ups (interaction_id, due_at, assignee_id)
   SELECT i.id, i.occurred_at + interval '3 days', i.author_id
     FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id
    WHERE ic.contact_id = ANY($1::uuid[]) AND random() < 0.25`,
  [ids],
);
await db.query(
  `UPDATE follow_ups SET status = 'done', completed_at = due_at, completed_by = 'bench'
    WHERE interaction_id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = ANY($1::uuid[])) AND random() < 0.5`,
  [ids],
);
await db.query('ANALYZE');
console.error(`seeded ${ATTENDEES} attendees, ${ATTENDEES * PER} interactions in ${Date.now() - t0} ms`);

const times = [];
let attendees = 0;
for (let i = 0; i < RUNS + 10; i++) {
  const s = performance.now();
  const b = await call(key, 'GET', `/events/${event.id}/briefing`);
  if (i >= 10) times.push(performance.now() - s);
  attendees = b.attendees.length;
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(1);
console.log(JSON.stringify({ scenario: 'event briefing', attendees, runs: RUNS, p50_ms: pct(50), p95_ms: pct(95), max_ms: times.at(-1).toFixed(1) }));
await db.end();
