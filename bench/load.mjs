// Load runner for Rapport's own API, with the anchors' settings (../shared/bench/load/run-http.mjs):
// autocannon, pipelining 1, timeout 10 s, BENCH_WARMUP (3 s) warm-up + BENCH_DURATION (15 s) measured per
// connection count, random seeded contacts and purposes from the anchors' deterministic ids. X-API-Key auth.
//   node bench/load.mjs --base http://127.0.0.1:3100 --key rapk_… --recipient <uuid> --db postgres://…/rapport_bench
//        [--endpoints consent,get,list,search,post,interaction] [--probes bulk,disclosure,search,interaction,briefing,introductions,verify,import]
//        [--connections "32"] [--duration 15] [--warmup 3] [--server-pid PID] [--out results/rapport.json]
//        [--base2 http://127.0.0.1:3101 --server2-pid PID2 --endpoints post]   the load split over two instances
// While every POST run goes on, pg_stat_activity / pg_locks are sampled every 100 ms (lock waits); after it, the
// sealing lag (sealed_at - occurred_at) of the events the run wrote is read from SQL.
// Probes (sequential, one client): bulk check of 10,000 ids, disclosure of 1,000 contacts, search, interaction
// (POST with five contacts and a follow-up), verify (GET /audit-events/verify once: time, server RSS every 100 ms),
// import (a 10,000-row CSV, end to end, then every row's audit event counted in SQL).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const anchor = process.env.BENCH_ANCHOR_DIR || '/tmp/rapport-bench/anchor';
const { CONTACT_IDS, ORG_IDS, PURPOSES, prng } = await import(pathToFileURL(path.join(anchor, 'load/ids.mjs')).href);
const { diff, snapshot, uidOf } = await import(pathToFileURL(path.join(anchor, 'lib/cpu.mjs')).href);

const { values: a } = parseArgs({ options: {
  base: { type: 'string' }, base2: { type: 'string' }, key: { type: 'string' }, recipient: { type: 'string' }, db: { type: 'string' },
  endpoints: { type: 'string', default: 'consent,get,list,search,post,interaction' },
  probes: { type: 'string', default: 'bulk,disclosure,search,interaction,briefing,introductions,verify,import' },
  connections: { type: 'string', default: process.env.BENCH_CONNECTIONS || '32 128' },
  duration: { type: 'string', default: process.env.BENCH_DURATION || '15' }, warmup: { type: 'string', default: process.env.BENCH_WARMUP || '3' },
  'server-pid': { type: 'string' }, 'server2-pid': { type: 'string' }, out: { type: 'string' }, system: { type: 'string', default: 'rapport' },
  'import-rows': { type: 'string', default: process.env.BENCH_IMPORT_ROWS || '10000' },
} });
const base = new URL(a.base);
const bases = [base, ...(a.base2 ? [new URL(a.base2)] : [])];
const rnd = prng(0xC0FFEE);
const pick = (arr) => arr[(rnd() * arr.length) | 0];
const admin = { 'x-api-key': a.key };
const db = new pg.Pool({ connectionString: a.db, max: 2 });
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Margaret', 'Radia', 'Sophie'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Berners-Lee', 'Torvalds', 'Kowalski'];
// One typo per search term: a letter swapped, dropped or doubled.
const typo = (w) => { const i = 1 + ((rnd() * (w.length - 2)) | 0); const k = (rnd() * 3) | 0;
  return k === 0 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : k === 1 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i); };
const searchBody = () => JSON.stringify({ q: `${pick(FIRST)} ${typo(pick(LAST))}`, limit: 20 });
let seq = 0; const runTag = Date.now().toString(36);
const fiveContacts = () => { const s = new Set(); while (s.size < 5) s.add(pick(CONTACT_IDS)); return [...s]; };
const interactionBody = () => JSON.stringify({ type: 'meeting', occurredAt: new Date().toISOString(), summary: `Bench load ${runTag}-${seq++}`,
  contactIds: fiveContacts(), reciprocity: 'exchange', followUp: { note: 'Send the slides', dueAt: new Date(Date.now() + 7 * 86400_000).toISOString() } });

async function call(method, p, body, { headers = admin, contentType = 'application/json', baseUrl = base, timeoutMs = 120_000 } = {}) {
  const t0 = performance.now();
  const r = await fetch(new URL(p, baseUrl), { method, headers: body ? { ...headers, 'content-type': contentType } : headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t0, text };
}
// A staff user with its own key writes the interactions (they have an author and the follow-up an assignee).
const mk = async (p, body) => { const r = await call('POST', p, JSON.stringify(body)); if (r.status !== 201) throw new Error(`${p}: ${r.status} ${r.text.slice(0, 300)}`); return JSON.parse(r.text); };
const staffUser = await mk('/api/v1/users', { name: 'Bench load', email: `bench-load-${runTag}@example.test`, role: 'staff' });
const staff = { 'x-api-key': (await mk('/api/v1/api-keys', { name: 'bench load', role: 'staff', userId: staffUser.id })).key };

const ENDPOINTS = {
  consent: { label: 'GET /api/v1/consent-check?contactId&purpose&recipientId', method: 'GET', ok: 200,
    path: () => `/api/v1/consent-check?contactId=${pick(CONTACT_IDS)}&purpose=${pick(PURPOSES)}&recipientId=${a.recipient}` },
  get: { label: 'GET /api/v1/contacts/:id', method: 'GET', ok: 200, path: () => `/api/v1/contacts/${pick(CONTACT_IDS)}` },
  list: { label: 'GET /api/v1/contacts?limit=50', method: 'GET', ok: 200, path: () => '/api/v1/contacts?limit=50' },
  search: { label: 'POST /api/v1/contacts/search {q: name with a typo}', method: 'POST', ok: 200, sample: true, path: () => '/api/v1/contacts/search', body: searchBody },
  post: { label: 'POST /api/v1/contacts', method: 'POST', ok: 201, writes: true, path: () => '/api/v1/contacts',
    body: () => JSON.stringify({ givenName: 'Load', familyName: `Test${seq}`, emails: [{ address: `p${runTag}-${seq++}@post.bench.test` }], organisationId: pick(ORG_IDS) }) },
  interaction: { label: 'POST /api/v1/interactions (5 contacts + follow-up)', method: 'POST', ok: 201, writes: true, headers: staff,
    path: () => '/api/v1/interactions', body: interactionBody },
};

const run = (ep, connections, seconds, url) => new Promise((resolve, reject) => {
  const hdr = ep.headers ?? admin;
  const inst = autocannon({ url: url.origin, connections, duration: seconds, timeout: 10, requests: [{ method: ep.method, setupRequest: (req) => {
    req.path = ep.path(); req.headers = ep.body ? { ...hdr, 'content-type': 'application/json' } : { ...hdr }; if (ep.body) req.body = ep.body(); return req; } }] },
  (err, res) => (err ? reject(err) : resolve(res)));
  const hard = setTimeout(() => inst.stop(), (seconds + 20) * 1000);
  inst.on('done', () => clearTimeout(hard));
});
const pct = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((x, y) => x - y); return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10; };

// The servers' resident memory, sampled every 100 ms for the whole run: peak per load run and overall.
const pids = [a['server-pid'], a['server2-pid']].filter(Boolean);
const rssMb = (pid) => { try { return Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024); } catch { return 0; } };
let peakRss = 0, windowRss = 0;
const rssTimer = pids.length ? setInterval(() => { const v = Math.max(...pids.map(rssMb)); peakRss = Math.max(peakRss, v); windowRss = Math.max(windowRss, v); }, 100) : undefined;
rssTimer?.unref();
const idleRssMb = pids.length ? rssMb(pids[0]) : undefined;
const results = []; const probes = [];
const save = () => a.out && fs.writeFileSync(a.out, JSON.stringify({ system: a.system, profile: 'rapport', base: bases.map((b) => b.origin).join(' '), instances: bases.length,
  date: new Date().toISOString(), node: process.version, settings: { duration: Number(a.duration), warmup: Number(a.warmup), connections: a.connections, pipelining: 1, timeoutS: 10 },
  idleRssMb, peakRssMb: peakRss || undefined, results, probes }, null, 2));
const pgUid = uidOf('postgres');

// Lock waits: every 100 ms, the backends of this database waiting on a lock (by wait event) and the ungranted
// locks (by type), plus every wait event seen.
function lockSampler() {
  const s = { samples: 0, samplesWithLockWait: 0, maxWaitingBackends: 0, waitEvents: {}, ungrantedLocks: {} };
  let stop = false;
  const done = (async () => {
    while (!stop) {
      try {
        const { rows } = await db.query(`SELECT wait_event_type, wait_event, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND wait_event IS NOT NULL GROUP BY 1, 2`);
        const { rows: locks } = await db.query(`SELECT l.locktype, count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE NOT l.granted AND d.datname = current_database() GROUP BY 1`);
        s.samples++;
        let waiting = 0;
        for (const r of rows) { const k = `${r.wait_event_type}:${r.wait_event}`; s.waitEvents[k] = (s.waitEvents[k] ?? 0) + r.n; if (r.wait_event_type === 'Lock') waiting += r.n; }
        for (const r of locks) s.ungrantedLocks[r.locktype] = (s.ungrantedLocks[r.locktype] ?? 0) + r.n;
        if (waiting) s.samplesWithLockWait++;
        s.maxWaitingBackends = Math.max(s.maxWaitingBackends, waiting);
      } catch { /* a sample lost */ }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => { stop = true; await done; return s; };
}
// Sealing lag of the events written between t0 and t1 (waits up to 10 s for the sealer to catch up).
async function sealingLag(t0, t1) {
  for (let i = 0; i < 40; i++) {
    const { rows: [u] } = await db.query('SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL');
    if (u.n === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { rows: [r] } = await db.query(`SELECT count(*)::int AS events, count(*) FILTER (WHERE seq IS NULL)::int AS unsealed,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) * 1000 AS p50,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sealed_at - occurred_at)) * 1000 AS p99,
      max(extract(epoch FROM sealed_at - occurred_at)) * 1000 AS max
    FROM audit_events WHERE occurred_at >= $1 AND occurred_at <= $2`, [t0, t1]);
  const r1 = (v) => (v === null ? null : Math.round(Number(v) * 10) / 10);
  return { events: r.events, unsealed: r.unsealed, p50Ms: r1(r.p50), p99Ms: r1(r.p99), maxMs: r1(r.max) };
}

// A scenario that fails is recorded with its error and the run goes on with the next one.
const failed = (kind, name, e) => { console.log(`${name.padEnd(11)} FAILED: ${e.message}`); return { [kind]: name, error: String(e.message).slice(0, 500) }; };
for (const name of a.endpoints.split(',').filter(Boolean)) {
  const ep = ENDPOINTS[name];
  if (!ep) throw new Error(`unknown endpoint ${name}`);
  try { await endpoint(name, ep); } catch (e) { results.push(failed('endpoint', name, e)); save(); }
}
async function endpoint(name, ep) {
  for (const b of bases) {
    const smoke = await call(ep.method, ep.path(), ep.body?.(), { headers: ep.headers ?? admin, baseUrl: b });
    if (smoke.status !== ep.ok) throw new Error(`smoke ${name} ${b.origin}: ${smoke.status} ${smoke.text.slice(0, 300)}`);
  }
  for (const c of a.connections.split(/[ ,]+/).filter(Boolean).map(Number)) {
    // Two instances: the same total connections, split between them.
    const share = bases.map((_, i) => Math.floor(c / bases.length) + (i < c % bases.length ? 1 : 0));
    if (Number(a.warmup) > 0) await Promise.all(bases.map((b, i) => run(ep, share[i], Number(a.warmup), b)));
    let s0, s1; windowRss = 0;
    const t0 = setTimeout(() => { s0 = snapshot(); }, 1000);
    const t1 = setTimeout(() => { s1 = snapshot(); }, Math.max(2, Number(a.duration) - 1) * 1000);
    // Wait events are sampled during the write runs and the typo search (issue 11: why it collapses under load).
    const locks = ep.writes || ep.sample ? lockSampler() : undefined;
    const started = new Date();
    const rs = await Promise.all(bases.map((b, i) => run(ep, share[i], Number(a.duration), b)));
    const ended = new Date();
    const lockWaits = locks ? await locks() : undefined;
    clearTimeout(t0); clearTimeout(t1); s1 ??= snapshot();
    const server = pids.length === 1 ? { pid: Number(pids[0]) } : {};
    const cpu = s0 ? diff(s0, s1, { server, postgres: { uid: pgUid } }) : {};
    const sum = (f) => rs.reduce((x, r) => x + f(r), 0);
    const worst = (f) => Math.max(...rs.map(f));
    const row = { system: a.system, instances: bases.length, endpoint: name, label: ep.label, connections: c, duration: Number(a.duration),
      reqPerSec: Math.round(sum((r) => r.requests.average)), requests: sum((r) => r.requests.total),
      latencyMs: { p50: worst((r) => r.latency.p50), p90: worst((r) => r.latency.p90), p99: worst((r) => r.latency.p99), avg: rs[0].latency.average, max: worst((r) => r.latency.max) },
      non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), cpu, peakRssMb: windowRss || undefined,
      lockWaits, sealingLag: ep.writes ? await sealingLag(started, ended) : undefined };
    results.push(row); save();
    console.log(`${name.padEnd(11)} x${bases.length} c=${String(c).padEnd(4)} ${String(row.reqPerSec).padStart(6)} req/s  p50 ${row.latencyMs.p50} ms  p99 ${row.latencyMs.p99} ms  non2xx ${row.non2xx} err ${row.errors}`
      + `${row.peakRssMb ? `  rss ${row.peakRssMb} MB` : ''}${row.sealingLag ? `  seal lag p50 ${row.sealingLag.p50Ms} p99 ${row.sealingLag.p99Ms} ms` : ''}`
      + `${lockWaits ? `  lock-wait samples ${lockWaits.samplesWithLockWait}/${lockWaits.samples}` : ''}`);
  }
}

const PROBES = {
  bulk: { label: 'POST /api/v1/consent-check (10,000 ids)', n: 20, ok: 200,
    req: () => ['POST', '/api/v1/consent-check', JSON.stringify({ purpose: pick(PURPOSES), recipientId: a.recipient, contactIds: Array.from({ length: 10_000 }, () => pick(CONTACT_IDS)) })] },
  disclosure: { label: 'POST /api/v1/disclosures (1,000 contacts)', n: 20, ok: 201,
    req: () => ['POST', '/api/v1/disclosures', JSON.stringify({ purpose: pick(PURPOSES), recipientId: a.recipient, contactIds: Array.from({ length: 1_000 }, () => pick(CONTACT_IDS)) })] },
  search: { label: 'POST /api/v1/contacts/search (one client, sequential)', n: 200, ok: 200, req: () => ['POST', '/api/v1/contacts/search', searchBody()] },
  interaction: { label: 'POST /api/v1/interactions, 5 contacts + follow-up (one client, sequential)', n: 200, ok: 201, headers: staff,
    req: () => ['POST', '/api/v1/interactions', interactionBody()] },
};
const SPECIAL = { verify: () => verifyProbe(), import: () => importProbe(), briefing: () => briefingProbe(), introductions: () => introductionsProbe() };
for (const name of a.probes.split(',').filter(Boolean)) {
  if (!PROBES[name] && !SPECIAL[name]) throw new Error(`unknown probe ${name}`);
  try { probes.push(SPECIAL[name] ? await SPECIAL[name]() : await seqProbe(name)); } catch (e) { probes.push(failed('probe', name, e)); }
  save();
}
async function seqProbe(name, p = PROBES[name]) {
  const ms = []; windowRss = 0;
  for (let i = 0; i < 3; i++) await call(...p.req(), { headers: p.headers ?? admin }); // warm-up
  for (let i = 0; i < p.n; i++) {
    const r = await call(...p.req(), { headers: p.headers ?? admin });
    if (r.status !== p.ok) throw new Error(`probe ${name}: ${r.status} ${r.text.slice(0, 300)}`);
    ms.push(r.ms);
    p.seen?.(r, i);
  }
  const row = { probe: name, label: p.label, n: p.n, p50: pct(ms, 50), p95: pct(ms, 95), max: pct(ms, 100), peakRssMb: windowRss || undefined, ...p.extra?.() };
  console.log(`${name.padEnd(11)} n=${p.n} p50 ${row.p50} ms  p95 ${row.p95} ms  max ${row.max} ms`);
  return row;
}

// Issue 14: the briefing of bench/seed-network.sql's event (500 attendees known to staff through the seeded
// interactions), one client, sequential.
async function briefingProbe() {
  const { rows: [ev] } = await db.query(`SELECT e.id, (SELECT count(*)::int FROM event_attendees ea WHERE ea.event_id = e.id) AS attendees
    FROM events e WHERE e.id = bench_uuid('event-1')`);
  if (!ev) throw new Error('no bench event: run psql -d rapport_bench -f bench/seed-network.sql');
  let known = 0, shown = 0;
  return seqProbe('briefing', { label: `GET /api/v1/events/:id/briefing (${ev.attendees} attendees, one client, sequential)`, n: 100, ok: 200,
    req: () => ['GET', `/api/v1/events/${ev.id}/briefing`, undefined],
    seen: (r) => { const b = JSON.parse(r.text); shown = b.attendees.length; known = b.attendees.filter((x) => x.knownBy.length).length; },
    extra: () => ({ attendees: ev.attendees, shown, knownByStaff: known }) });
}

// Issue 14: warm introductions with maxHops=3 over bench/seed-network.sql's 300,000 connections, one client,
// sequential: three requests in four for a random seeded contact (the p95 the target is judged on), the fourth
// round robin over targets of chosen reachability (the best-connected contact, the 99th and 90th percentile of
// degree, the median, one with a single connection, one with none), each reported on its own.
async function introductionsProbe() {
  const { rows: [{ n: edges }] } = await db.query('SELECT count(*)::int AS n FROM contact_connections');
  if (edges < 1000) throw new Error('no bench connections: run psql -d rapport_bench -f bench/seed-network.sql');
  const { rows: targets } = await db.query(`WITH deg AS (
      SELECT c.id, count(x.c)::int AS degree FROM contacts c
        LEFT JOIN (SELECT from_contact_id AS c FROM contact_connections UNION ALL SELECT to_contact_id FROM contact_connections) x ON x.c = c.id
       WHERE c.id = ANY($1::uuid[]) GROUP BY c.id),
    ranked AS (SELECT id, degree, percent_rank() OVER (ORDER BY degree, id) AS pr FROM deg)
    (SELECT t.name, r.id, r.degree FROM (VALUES ('top', 1.0), ('p99', 0.99), ('p90', 0.9), ('median', 0.5)) t (name, q)
      CROSS JOIN LATERAL (SELECT * FROM ranked ORDER BY abs(ranked.pr - t.q), ranked.id LIMIT 1) r ORDER BY t.q DESC)
    UNION ALL (SELECT 'degree 1', id, degree FROM ranked WHERE degree = 1 ORDER BY id LIMIT 1)
    UNION ALL (SELECT 'degree 0', id, degree FROM ranked WHERE degree = 0 ORDER BY id LIMIT 1)`, [CONTACT_IDS]);
  const groups = new Map([['random', { target: 'random', degree: null, ms: [], chains: [] }],
    ...targets.map((t) => [t.id, { target: t.name, degree: t.degree, ms: [], chains: [] }])]);
  const plan = []; let named = 0;
  for (let k = 0; k < 3 + 320; k++) plan.push(k % 4 === 3 ? targets[named++ % targets.length].id : pick(CONTACT_IDS));
  let i = 0;
  const row = await seqProbe('introductions', { label: 'GET /api/v1/contacts/:id/introductions?maxHops=3 (one client, sequential)', n: 320, ok: 200,
    req: () => ['GET', `/api/v1/contacts/${plan[i++]}/introductions?maxHops=3`, undefined],
    seen: (r, k) => { const g = groups.get(plan[k + 3]) ?? groups.get('random'); g.ms.push(r.ms); g.chains.push(JSON.parse(r.text).items.length); },
    extra: () => ({ connections: edges }) });
  row.targets = [...groups.values()].map((g) => ({ target: g.target, degree: g.degree, n: g.ms.length, chains: Math.max(...g.chains),
    p50: pct(g.ms, 50), p95: pct(g.ms, 95), max: pct(g.ms, 100) }));
  const rnd = row.targets[0]; row.randomP95 = rnd.p95; row.randomP50 = rnd.p50;
  for (const t of row.targets) console.log(`  ${t.target.padEnd(9)} degree ${String(t.degree ?? '-').padStart(4)}  n ${String(t.n).padStart(3)}  chains ≤ ${String(t.chains).padStart(3)}  p50 ${t.p50} ms  p95 ${t.p95} ms  max ${t.max} ms`);
  return row;
}

// GET /audit-events/verify over the whole chain, once: wall time, the server's RSS before and its peak during it.
async function verifyProbe() {
  const { rows: [{ n }] } = await db.query('SELECT count(*)::int AS n FROM audit_events');
  const before = rssMb(pids[0]); windowRss = before;
  const r = await call('GET', '/api/v1/audit-events/verify', undefined, { timeoutMs: 600_000 });
  if (r.status !== 200) throw new Error(`verify: ${r.status} ${r.text.slice(0, 300)}`);
  const body = JSON.parse(r.text);
  const row = { probe: 'verify', label: 'GET /api/v1/audit-events/verify (whole chain)', n: 1, events: n, ms: Math.round(r.ms), valid: body.valid, checked: body.checked,
    pending: body.pending ?? 0, rssBeforeMb: before || undefined, peakRssMb: windowRss || undefined };
  console.log(`verify      ${body.checked} events in ${row.ms} ms, valid ${body.valid}, rss ${before} -> peak ${windowRss} MB`);
  if (!body.valid) console.log(`verify: ${r.text}`);
  return row;
}

// A CSV of N new contacts (organisations named like the seeded ones), end to end; then every created contact's
// audit event is counted.
async function importProbe() {
  const n = Number(a['import-rows']);
  const lines = ['givenName,familyName,email,organisation,jobTitle'];
  for (let i = 0; i < n; i++) lines.push(`${pick(FIRST)},${pick(LAST)}-${i},i${runTag}-${i}@import.bench.test,Organisation ${1 + ((rnd() * 10000) | 0)},Engineer`);
  windowRss = 0;
  const r = await call('POST', '/api/v1/contacts/import', lines.join('\n') + '\n', { contentType: 'text/csv', timeoutMs: 600_000 });
  if (r.status !== 200) throw new Error(`import: ${r.status} ${r.text.slice(0, 300)}`);
  const body = JSON.parse(r.text);
  const ids = body.created.filter(Boolean);
  const { rows: [c] } = await db.query(`SELECT count(DISTINCT entity_id)::int AS n FROM audit_events WHERE entity_type = 'contact' AND entity_id = ANY($1::text[])`, [ids]);
  const row = { probe: 'import', label: `POST /api/v1/contacts/import (${n.toLocaleString('en')}-row CSV)`, n: 1, rows: n, ms: Math.round(r.ms), created: ids.length,
    updated: body.updated.length, rejected: body.rejected.length, audited: c.n, everyRowAudited: c.n === ids.length && ids.length === n, peakRssMb: windowRss || undefined };
  console.log(`import      ${n} rows in ${row.ms} ms: created ${row.created}, rejected ${row.rejected}, audited ${row.audited}`);
  return row;
}
save();
await db.end();
if (peakRss) console.log(`server peak RSS ${peakRss} MB`);
