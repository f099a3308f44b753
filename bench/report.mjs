// Turns one bench/run.sh session (a results directory) into summary.json + table.md, and puts the table at the
// top of bench/RESULTS.md (a new section before the existing ones, which stay).
//   node bench/report.mjs bench/results/2026-11-30 [--results-md bench/RESULTS.md] [--baseline bench/results/2026-11-30-express]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: o, positionals } = parseArgs({ allowPositionals: true, options: {
  'results-md': { type: 'string' }, baseline: { type: 'string', default: path.join(here, 'results/2026-11-30-express') } } });
const dir = positionals[0];
const read = (d, f) => { try { return JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')); } catch { return undefined; } };
const raw = read(dir, 'raw-node-pg.json'), nest = read(dir, 'nest-express-typeorm.json');
const rap = read(dir, 'rapport.json'), one = read(dir, 'rapport-1x.json'), two = read(dir, 'rapport-2x.json');
if (!rap) throw new Error(`no rapport.json in ${dir}`);
const base = { raw: read(o.baseline, 'raw-node-pg.json'), rap: read(o.baseline, 'rapport.json') };

const row = (doc, ep, c = 32) => doc?.results.find((r) => r.endpoint === ep && r.connections === c);
const probe = (doc, p) => doc?.probes?.find((r) => r.probe === p && !r.error);
const conns = [...new Set(rap.results.map((r) => r.connections))];
const C = conns.includes(32) ? 32 : conns[0];
const fmt = (n) => (n === undefined || n === null ? '—' : Number(n).toLocaleString('en'));
const ratio = (x, y) => (x && y ? (x / y).toFixed(2) : '—');
const mark = (ok) => (ok === undefined ? '(not run)' : ok ? '✔' : '✘');

// Anchors name the list endpoint `list` (keyset page after a random cursor); Rapport's is the first page.
const EPS = [['consent', 'consent check'], ['get', 'GET contact'], ['list', 'list 50'], ['search', 'typo search (POST /contacts/search)'],
  ['post', 'POST contact (audited)'], ['interaction', 'POST interaction, 5 contacts + follow-up']];
const targets = [];
const t = (name, ok, detail) => targets.push({ target: name, met: ok, detail });

const post = row(rap, 'post', C), rawPost = row(raw, 'post', C), post2 = row(two, 'post', C);
if (post) {
  t('POST contact ≥ 0.5 × raw, p99 ≤ 40 ms', rawPost ? post.reqPerSec / rawPost.reqPerSec >= 0.5 && post.latencyMs.p99 <= 40 : undefined,
    `${ratio(post.reqPerSec, rawPost?.reqPerSec)} × raw, p99 ${post.latencyMs.p99} ms`);
  t('sealing lag p99 < 1 s under the POST load', post.sealingLag ? post.sealingLag.p99Ms < 1000 && post.sealingLag.unsealed === 0 : undefined,
    post.sealingLag && `p50 ${post.sealingLag.p50Ms} ms, p99 ${post.sealingLag.p99Ms} ms, max ${post.sealingLag.maxMs} ms over ${fmt(post.sealingLag.events)} events, ${post.sealingLag.unsealed} left unsealed`);
}
// Two instances against one instance measured right before them (rapport-1x), else against the main run.
const post1 = row(one, 'post', C) ?? post;
if (post1 && post2) {
  const lw = post2.lockWaits;
  t('two instances ≥ one, no lock wait', post2.reqPerSec >= post1.reqPerSec && lw?.samplesWithLockWait === 0,
    `${fmt(post2.reqPerSec)} vs ${fmt(post1.reqPerSec)} req/s (${ratio(post2.reqPerSec, post1.reqPerSec)} ×)${row(one, 'post', C) ? ' (one instance measured right before)' : ''}; lock waits in ${lw?.samplesWithLockWait}/${lw?.samples} samples`
    + ` (max ${lw?.maxWaitingBackends} backends), ungranted: ${JSON.stringify(lw?.ungrantedLocks)}`);
}
const ip = probe(rap, 'interaction'), ir = row(rap, 'interaction', C);
if (ip || ir) t('POST interaction median ≤ 10 ms', (ip ?? ir) ? (ip ? ip.p50 : ir.latencyMs.p50) <= 10 : undefined,
  ip ? `one client p50 ${ip.p50} ms, p95 ${ip.p95} ms` + (ir ? `; at ${C} connections p50 ${ir.latencyMs.p50} ms` : '') : `at ${C} connections p50 ${ir.latencyMs.p50} ms`);
const vp = probe(rap, 'verify');
if (vp) t('audit verify of 1,000,000 events ≤ 30 s, RSS ≤ 300 MB', vp.valid && vp.ms <= 30_000 && vp.peakRssMb <= 300 && vp.checked >= 1_000_000,
  `${fmt(vp.checked)} events in ${(vp.ms / 1000).toFixed(1)} s, valid ${vp.valid}, RSS ${vp.rssBeforeMb} → peak ${vp.peakRssMb} MB${vp.checked < 1_000_000 ? ' (fewer than 1,000,000 events: a scaled-down seed)' : ''}`);
const im = probe(rap, 'import');
if (im) t('10,000-row CSV import ≤ 10 s, every row audited', im.ms <= 10_000 && im.everyRowAudited && im.rows >= 10_000,
  `${fmt(im.rows)} rows in ${(im.ms / 1000).toFixed(1)} s, created ${fmt(im.created)}, audited ${fmt(im.audited)}, rejected ${im.rejected}`);
const sr = row(rap, 'search', C), sp = probe(rap, 'search');
if (sr) t(`typo search at ${C} connections ≥ 150 req/s, p99 ≤ 500 ms`, sr.reqPerSec >= 150 && sr.latencyMs.p99 <= 500, `${fmt(sr.reqPerSec)} req/s, p99 ${sr.latencyMs.p99} ms`);
if (sp) t('typo search, one client p95 ≤ 50 ms', sp.p95 <= 50, `p50 ${sp.p50} ms, p95 ${sp.p95} ms`);
// Issue 14's two benchmarks (bench/seed-network.sql's event and connections).
const t14 = [];
const bp = probe(rap, 'briefing'), np = probe(rap, 'introductions');
if (bp) t14.push({ target: `briefing of an event with 500 attendees p95 < 200 ms`, met: bp.p95 < 200 && bp.attendees >= 500,
  detail: `${bp.attendees} attendees (${bp.knownByStaff} known to staff): p50 ${bp.p50} ms, p95 ${bp.p95} ms` });
if (np) {
  const worst = (np.targets ?? []).filter((x) => x.target !== 'random').sort((x, y) => y.p95 - x.p95)[0];
  t14.push({ target: 'introductions maxHops=3 p95 ≤ 100 ms (100,000 contacts, 300,000 connections, 500,000 interactions)', met: np.randomP95 <= 100 && np.connections >= 300_000,
    detail: `${fmt(np.connections)} connections; random targets p50 ${np.randomP50} ms, p95 ${np.randomP95} ms; all requests p95 ${np.p95} ms;`
      + ` slowest chosen target ${worst?.target} (degree ${worst?.degree}) p95 ${worst?.p95} ms` });
}
// "Nothing else slower than today": ratios ÷ raw against the baseline session (absolute ms for the probes), 15 % noise.
for (const [ep, name] of [['consent', 'consent check'], ['get', 'GET contact']]) {
  const now = row(rap, ep, C), rawNow = row(raw, ep, C), then = row(base.rap, ep, 32), rawThen = row(base.raw, ep, 32);
  if (now && rawNow && then && rawThen) {
    const a = now.reqPerSec / rawNow.reqPerSec, b = then.reqPerSec / rawThen.reqPerSec;
    t(`${name} not slower than before`, a >= b * 0.85, `${a.toFixed(2)} × raw now, ${b.toFixed(2)} × raw in ${path.basename(o.baseline)}`);
  }
}
for (const [p, name] of [['bulk', 'bulk check of 10,000 ids'], ['disclosure', 'disclosure of 1,000 contacts']]) {
  const now = probe(rap, p), then = probe(base.rap, p);
  if (now && then) t(`${name} not slower than before`, now.p50 <= then.p50 * 1.15, `p50 ${now.p50} ms now, ${then.p50} ms in ${path.basename(o.baseline)} (absolute: machine load differs)`);
}

const date = rap.date.slice(0, 16).replace('T', ' ');
const L = [];
L.push(`## npm run bench: Rapport with the anchors, every scenario of issue 11 (${date} UTC)`, '');
L.push(`Results in \`bench/results/${path.basename(dir)}/\`; ${rap.settings.warmup} s warm-up + ${rap.settings.duration} s per run, pipelining 1.`
  + ` Before the run: ${(fs.existsSync(path.join(dir, 'machine.txt')) ? fs.readFileSync(path.join(dir, 'machine.txt'), 'utf8') : '').trim().split('\n').map((l) => `\`${l.trim()}\``).join('; ')}.`
  + ` The anchors' list is a keyset page after a random cursor; Rapport's list 50 is the first page.`, '');
L.push(`| @ ${C} connections | raw | nest-express | Rapport | ÷ raw | ÷ nest-express | Rapport p50 / p99 | errors | peak RSS |`);
L.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [ep, name] of EPS) {
  const r = row(rap, ep, C); if (!r) continue;
  const x = row(raw, ep, C), n = row(nest, ep, C);
  L.push(`| ${name} | ${fmt(x?.reqPerSec)} | ${fmt(n?.reqPerSec)} | ${fmt(r.reqPerSec)} | ${ratio(r.reqPerSec, x?.reqPerSec)} | ${ratio(r.reqPerSec, n?.reqPerSec)} | ${r.latencyMs.p50} / ${r.latencyMs.p99} ms | ${r.non2xx + r.errors} | ${r.peakRssMb ?? '—'} MB |`);
}
if (post2 && row(one, 'post', C)) { const p1 = row(one, 'post', C); L.push(`| POST contact, one instance again (right before the two) | | | ${fmt(p1.reqPerSec)} | ${ratio(p1.reqPerSec, rawPost?.reqPerSec)} | ${ratio(p1.reqPerSec, row(nest, 'post', C)?.reqPerSec)} | ${p1.latencyMs.p50} / ${p1.latencyMs.p99} ms | ${p1.non2xx + p1.errors} | ${p1.peakRssMb ?? '—'} MB |`); }
if (post2) L.push(`| POST contact, two instances (${C} connections split) | | | ${fmt(post2.reqPerSec)} | ${ratio(post2.reqPerSec, rawPost?.reqPerSec)} | ${ratio(post2.reqPerSec, row(nest, 'post', C)?.reqPerSec)} | ${post2.latencyMs.p50} / ${post2.latencyMs.p99} ms | ${post2.non2xx + post2.errors} | ${post2.peakRssMb ?? '—'} MB |`);
L.push('');
if (rap.probes?.length) {
  L.push('| probe | result | server peak RSS |', '|---|---|---:|');
  for (const p of rap.probes) {
    const res = p.probe === 'verify' ? `${fmt(p.checked)} events in ${(p.ms / 1000).toFixed(1)} s, valid ${p.valid}${p.pending ? `, ${p.pending} pending` : ''} (RSS before ${p.rssBeforeMb} MB)`
      : p.probe === 'import' ? `${fmt(p.rows)} rows in ${(p.ms / 1000).toFixed(1)} s end to end; created ${fmt(p.created)}, audited ${fmt(p.audited)}, rejected ${p.rejected}`
        : `n = ${p.n}: p50 ${p.p50} ms, p95 ${p.p95} ms, max ${p.max} ms`
          + (p.probe === 'briefing' ? `; ${p.shown} attendees shown, ${p.knownByStaff} known to staff` : '')
          + (p.probe === 'introductions' ? `; ${fmt(p.connections)} connections; per target: ${(p.targets ?? [])
            .map((x) => `${x.target}${x.degree === null ? '' : ` (degree ${x.degree})`} n ${x.n}, ≤ ${x.chains} chains, p95 ${x.p95} ms`).join('; ')}` : '');
    L.push(`| ${p.label} | ${res} | ${p.peakRssMb ?? '—'} MB |`);
  }
  L.push('');
}
const writes = [...rap.results, ...(one?.results ?? []), ...(two?.results ?? [])].filter((r) => r.sealingLag || r.lockWaits);
if (writes.length) {
  L.push('| load (writes; the search for its wait events) | sealing lag p50 / p99 / max | events (unsealed after) | lock-wait samples | wait events seen (backend-samples) |', '|---|---|---|---|---|');
  for (const r of writes) {
    const s = r.sealingLag, w = r.lockWaits;
    const ev = w ? Object.entries(w.waitEvents).sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    L.push(`| ${r.endpoint}, ${r.system} (${r.instances ?? 1} instance${(r.instances ?? 1) > 1 ? "s" : ""}), ${r.connections} conns | ${s ? `${s.p50Ms} / ${s.p99Ms} / ${s.maxMs} ms` : '—'} | ${s ? `${fmt(s.events)} (${s.unsealed})` : '—'} | ${w ? `${w.samplesWithLockWait}/${w.samples}, max ${w.maxWaitingBackends} waiting` : '—'} | ${ev || '—'} |`);
  }
  L.push('');
}
for (const f of [...rap.results, ...(rap.probes ?? []), ...(one?.results ?? []), ...(two?.results ?? [])].filter((x) => x.error)) {
  L.push(`**Failed:** ${f.endpoint ?? f.probe} (${f.endpoint ? 'load run' : 'probe'}): ${f.error}`, '');
}
L.push(`Server RSS: idle ${rap.idleRssMb ?? '—'} MB after start, peak ${rap.peakRssMb ?? '—'} MB over the whole run${two ? `, ${two.peakRssMb ?? '—'} MB (larger of the two) in the two-instance run` : ''}.`, '');
L.push('| issue 11 target | met | measured |', '|---|---|---|');
for (const x of targets) L.push(`| ${x.target} | ${mark(x.met)} | ${x.detail ?? ''} |`);
L.push('');
if (t14.length) {
  L.push('| issue 14 target | met | measured |', '|---|---|---|');
  for (const x of t14) L.push(`| ${x.target} | ${mark(x.met)} | ${x.detail ?? ''} |`);
  L.push('');
}
const md = L.join('\n');
fs.writeFileSync(path.join(dir, 'table.md'), md + '\n');
fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ date: rap.date, connections: C, targets, issue14Targets: t14,
  rows: EPS.map(([ep]) => ({ endpoint: ep, raw: row(raw, ep, C)?.reqPerSec, nestExpress: row(nest, ep, C)?.reqPerSec, rapport: row(rap, ep, C)?.reqPerSec })), twoInstances: post2?.reqPerSec }, null, 2));
if (o['results-md']) {
  const cur = fs.readFileSync(o['results-md'], 'utf8');
  const i = cur.indexOf('\n## ');
  fs.writeFileSync(o['results-md'], i < 0 ? `${cur}\n${md}` : `${cur.slice(0, i + 1)}${md}\n${cur.slice(i + 1)}`);
}
console.log(md);
