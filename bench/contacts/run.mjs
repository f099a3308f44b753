// Self-contained run of search.bench.mjs: compiles the app into /tmp (never touching dist/), starts an embedded
// PostgreSQL and the server there, seeds, measures, and stops what it started.
//   node bench/contacts/run.mjs        (SEED_CONTACTS, RUNS adjustable)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSearchBench } from './search.bench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = '/tmp/rapport-contacts-bench';
fs.mkdirSync(work, { recursive: true });
execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(work, 'dist')], { stdio: 'inherit' });
fs.rmSync(path.join(work, 'node_modules'), { force: true });
fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));

const { startEmbeddedPostgres, freePort } = await import(path.join(work, 'dist/src/database/embedded-postgres.js'));
const db = await startEmbeddedPostgres(path.join(work, 'data'), { database: 'rapport_bench' });
const port = await freePort();
const adminKey = `rapk_bench_${randomBytes(16).toString('hex')}`;
const server = spawn(process.execPath, [path.join(work, 'dist/src/main.js')], {
  env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: adminKey, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', DATA_DIR: path.join(work, 'app'), NODE_ENV: 'production' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  const apiUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${apiUrl}/health`)).ok) break;
    } catch { /* not yet */ }
    if (i > 120) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const out = await runSearchBench({ databaseUrl: db.url, apiUrl, adminKey, seed: Number(process.env.SEED_CONTACTS ?? 100_000), runs: Number(process.env.RUNS ?? 300) });
  console.log(JSON.stringify(out, null, 2));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await db.stop();
}
