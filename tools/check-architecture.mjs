#!/usr/bin/env node
// Module-graph check (issue 10): runs dependency-cruiser over src/ with the rules in .dependency-cruiser.cjs and
// compares what it finds with the baseline of known violations, .dependency-cruiser-known-violations.json
// (written by `npx depcruise-baseline src --config .dependency-cruiser.cjs`).
//
// Exits 1 when
//  - a violation is not in the baseline (a new one: fix the code, do not add it to the baseline), or
//  - a baseline entry no longer occurs (one was fixed: regenerate the baseline so that it cannot come back).
// Prints the number of known violations still present (the refactor's to-do list), by rule and by folder.
//
// Module-level violations are matched by dependency-cruiser itself (--ignore-known softens them to "ignore").
// Folder-level ones (rule no-folder-cycles, scope "folder") are not softened by dependency-cruiser 17, so they are
// matched here, by rule, from folder and to folder: the cycle's path through other folders may change while the
// refactor removes edges, the edge being on a cycle is what counts.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = '.dependency-cruiser.cjs';
const BASELINE = '.dependency-cruiser-known-violations.json';
const REGENERATE = `npx depcruise-baseline src --config ${CONFIG}`;

const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const args = [cli, 'src', '--config', CONFIG, '--output-type', 'json'];
if (existsSync(join(root, BASELINE))) args.push('--ignore-known', BASELINE);

let out;
try {
  out = execFileSync(process.execPath, args, { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
} catch (e) {
  // dependency-cruiser exits with the number of errors for some output types; the JSON is still on stdout.
  if (!e.stdout) throw e;
  out = e.stdout;
}
const { summary } = JSON.parse(out);
const baseline = existsSync(join(root, BASELINE))
  ? JSON.parse(readFileSync(join(root, BASELINE), 'utf8'))
  : [];

const isFolder = (v) => v.type === 'cycle' && !/\.[cm]?[jt]s$/.test(v.from);
const names = (cycle = []) =>
  cycle
    .map((c) => c.name)
    .sort()
    .join(' ');
const same = (a, b) =>
  a.rule.name === b.rule.name &&
  a.from === b.from &&
  (isFolder(a) || isFolder(b) || !a.cycle ? a.to === b.to : names(a.cycle) === names(b.cycle));

const found = summary.violations;
const known = [];
const fresh = [];
for (const v of found) {
  if (v.rule.severity === 'ignore' || (isFolder(v) && baseline.some((k) => same(k, v)))) known.push(v);
  else if (v.rule.severity === 'error' || v.rule.severity === 'warn') fresh.push(v);
}
const stale = baseline.filter((k) => !found.some((v) => same(k, v)));

const describe = (v) =>
  `  ${v.rule.name}: ${v.from} → ${v.to}` +
  (v.cycle ? `\n      cycle: ${v.cycle.map((c) => c.name).join(' → ')}` : '');

const topFolder = (path) => path.split('/').slice(0, 2).join('/');
const tally = (list, key) =>
  Object.entries(list.reduce((acc, v) => ({ ...acc, [key(v)]: (acc[key(v)] ?? 0) + 1 }), {}))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `    ${String(n).padStart(3)}  ${k}`)
    .join('\n');

console.log(
  `dependency-cruiser: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies in src/`,
);
console.log(`known violations still present (baseline ${BASELINE}): ${known.length}`);
if (known.length > 0) {
  console.log(`  by rule:\n${tally(known, (v) => v.rule.name)}`);
  console.log(`  by folder:\n${tally(known, (v) => topFolder(v.from))}`);
}

let failed = false;
if (fresh.length > 0) {
  failed = true;
  console.error(`\n${fresh.length} NEW module-graph violation(s), not in the baseline:`);
  for (const v of fresh) console.error(describe(v));
  console.error(`The rules and what they mean: ${CONFIG}.`);
}
if (stale.length > 0) {
  failed = true;
  console.error(
    `\n${stale.length} baseline entr${stale.length === 1 ? 'y no longer occurs' : 'ies no longer occur'} (good!):`,
  );
  for (const v of stale) console.error(describe(v));
  console.error(`Shrink the baseline so they cannot come back: ${REGENERATE}`);
}
if (failed) process.exit(1);
console.log('no new module-graph violations');
