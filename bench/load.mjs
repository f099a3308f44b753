// Load runner for Rapport's own API, with the anchors' settings (../shared/bench/load/run-http.mjs):
// autocannon, pipelining 1, timeout 10 s, 3 s warm-up + 15 s measured per connection count, random seeded
// contacts and purposes from the anchors' deterministic ids. Rapport authenticates with X-API-Key.
//   node bench/load.mjs --base http://127.0.0.1:3100 --key rapk_… --recipient <uuid> [--endpoints consent,get,post,search]
//        [--connections "32 128"] [--duration 15] [--warmup 3] [--server-pid PID] [--out results/rapport.json]
// Then the latency probes (sequential requests, p50/p95/max): bulk check of 10,000 ids, disclosure of 1,000 contacts, search.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { CONTACT_IDS, ORG_IDS, PURPOSES, prng } from '../../shared/bench/load/ids.mjs';
import { diff, snapshot, uidOf } from '../../shared/bench/lib/cpu.mjs';

const { values: a } = parseArgs({ options: {
  base: { type: 'string' }, key: { type: 'string' }, recipient: { type: 'string' },
  endpoints: { type: 'string', default: 'consent,get,post,search' }, probes: { type: 'string', default: 'bulk,disclosure,search' },
  connections: { type: 'string', default: process.env.BENCH_CONNECTIONS || '32 128' },
  duration: { type: 'string', default: process.env.BENCH_DURATION || '15' }, warmup: { type: 'string', default: process.env.BENCH_WARMUP || '3' },
  'server-pid': { type: 'string' }, out: { type: 'string' }, system: { type: 'string', default: 'rapport' },
} });
const base = new URL(a.base);
const rnd = prng(0xC0FFEE);
const pick = (arr) => arr[(rnd() * arr.length) | 0];
const headers = { 'x-api-key': a.key };
const json = { ...headers, 'content-type': 'application/json' };
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Margaret', 'Radia', 'Sophie'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Berners-Lee', 'Torvalds', 'Kowalski'];
// One typo per search term: a letter swapped, dropped or doubled.
const typo = (w) => { const i = 1 + ((rnd() * (w.length - 2)) | 0); const k = (rnd() * 3) | 0;
  return k === 0 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : k === 1 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i); };
const searchBody = () => JSON.stringify({ q: `${pick(FIRST)} ${typo(pick(LAST))}`, limit: 20 });
let seq = 0; const runTag = Date.now().toString(36);

const ENDPOINTS = {
  consent: { label: 'GET /api/v1/consent-check?contactId&purpose&recipientId', method: 'GET', ok: 200,
    path: () => `/api/v1/consent-check?contactId=${pick(CONTACT_IDS)}&purpose=${pick(PURPOSES)}&recipientId=${a.recipient}` },
  get: { label: 'GET /api/v1/contacts/:id', method: 'GET', ok: 200, path: () => `/api/v1/contacts/${pick(CONTACT_IDS)}` },
  post: { label: 'POST /api/v1/contacts', method: 'POST', ok: 201, path: () => '/api/v1/contacts',
    body: () => JSON.stringify({ givenName: 'Load', familyName: `Test${seq}`, emails: [{ address: `p${runTag}-${seq++}@post.bench.test` }], organisationId: pick(ORG_IDS) }) },
  search: { label: 'POST /api/v1/contacts/search {q: name with a typo}', method: 'POST', ok: 200, path: () => '/api/v1/contacts/search', body: searchBody },
};

const run = (ep, connections, seconds) => new Promise((resolve, reject) => {
  const inst = autocannon({ url: base.origin, connections, duration: seconds, timeout: 10, requests: [{ method: ep.method, setupRequest: (req) => {
    req.path = ep.path(); req.headers = ep.body ? { ...json } : { ...headers }; if (ep.body) req.body = ep.body(); return req; } }] },
  (err, res) => (err ? reject(err) : resolve(res)));
  const hard = setTimeout(() => inst.stop(), (seconds + 20) * 1000);
  inst.on('done', () => clearTimeout(hard));
});
async function call(method, path, body) {
  const t0 = performance.now();
  const r = await fetch(new URL(path, base), { method, headers: body ? json : headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await r.text();
  return { status: r.status, ms: performance.now() - t0, text };
}
const pct = (xs, p) => { const s = [...xs].sort((x, y) => x - y); return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10; };

// The server's resident memory, sampled every 250 ms for the whole run: peak per load run and overall.
const rssMb = () => { try { return Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${a['server-pid']}/status`, 'utf8'))[1]) / 1024); } catch { return 0; } };
let peakRss = 0, windowRss = 0;
const rssTimer = a['server-pid'] ? setInterval(() => { const v = rssMb(); peakRss = Math.max(peakRss, v); windowRss = Math.max(windowRss, v); }, 250) : undefined;
rssTimer?.unref();
const results = []; const probes = [];
const save = () => a.out && fs.writeFileSync(a.out, JSON.stringify({ system: a.system, profile: 'rapport', base: base.origin, date: new Date().toISOString(), node: process.version,
  settings: { duration: Number(a.duration), warmup: Number(a.warmup), connections: a.connections, pipelining: 1, timeoutS: 10 }, peakRssMb: peakRss || undefined, results, probes }, null, 2));
const pgUid = uidOf('postgres');

for (const name of a.endpoints.split(',').filter(Boolean)) {
  const ep = ENDPOINTS[name];
  const smoke = await call(ep.method, ep.path(), ep.body?.());
  if (smoke.status !== ep.ok) throw new Error(`smoke ${name}: ${smoke.status} ${smoke.text.slice(0, 300)}`);
  for (const c of a.connections.split(/[ ,]+/).filter(Boolean).map(Number)) {
    if (Number(a.warmup) > 0) await run(ep, c, Number(a.warmup));
    let s0, s1; windowRss = 0;
    const t0 = setTimeout(() => { s0 = snapshot(); }, 1000);
    const t1 = setTimeout(() => { s1 = snapshot(); }, Math.max(2, Number(a.duration) - 1) * 1000);
    const r = await run(ep, c, Number(a.duration));
    clearTimeout(t0); clearTimeout(t1); s1 ??= snapshot();
    const cpu = s0 ? diff(s0, s1, { server: a['server-pid'] ? { pid: Number(a['server-pid']) } : {}, postgres: { uid: pgUid } }) : {};
    const row = { system: a.system, endpoint: name, label: ep.label, connections: c, duration: Number(a.duration), reqPerSec: Math.round(r.requests.average),
      requests: r.requests.total, latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, avg: r.latency.average, max: r.latency.max },
      non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, cpu, peakRssMb: windowRss || undefined };
    results.push(row); save();
    console.log(`${name.padEnd(8)} c=${String(c).padEnd(4)} ${String(row.reqPerSec).padStart(6)} req/s  p50 ${row.latencyMs.p50} ms  p99 ${row.latencyMs.p99} ms  non2xx ${row.non2xx} err ${row.errors}${row.peakRssMb ? `  rss ${row.peakRssMb} MB` : ''}`);
  }
}

const PROBES = {
  bulk: { label: 'POST /api/v1/consent-check (10,000 ids)', n: 20, ok: 200,
    req: () => ['POST', '/api/v1/consent-check', JSON.stringify({ purpose: pick(PURPOSES), recipientId: a.recipient, contactIds: Array.from({ length: 10_000 }, () => pick(CONTACT_IDS)) })] },
  disclosure: { label: 'POST /api/v1/disclosures (1,000 contacts)', n: 20, ok: 201,
    req: () => ['POST', '/api/v1/disclosures', JSON.stringify({ purpose: pick(PURPOSES), recipientId: a.recipient, contactIds: Array.from({ length: 1_000 }, () => pick(CONTACT_IDS)) })] },
  search: { label: 'POST /api/v1/contacts/search (one client, sequential)', n: 200, ok: 200, req: () => ['POST', '/api/v1/contacts/search', searchBody()] },
};
for (const name of a.probes.split(',').filter(Boolean)) {
  const p = PROBES[name]; const ms = []; windowRss = 0;
  for (let i = 0; i < 3; i++) await call(...p.req()); // warm-up
  for (let i = 0; i < p.n; i++) {
    const r = await call(...p.req());
    if (r.status !== p.ok) throw new Error(`probe ${name}: ${r.status} ${r.text.slice(0, 300)}`);
    ms.push(r.ms);
  }
  const row = { probe: name, label: p.label, n: p.n, p50: pct(ms, 50), p95: pct(ms, 95), max: pct(ms, 100), peakRssMb: windowRss || undefined };
  probes.push(row); save();
  console.log(`${name.padEnd(10)} n=${p.n} p50 ${row.p50} ms  p95 ${row.p95} ms  max ${row.max} ms`);
}
save();

if (peakRss) console.log(`server peak RSS ${peakRss} MB`);
