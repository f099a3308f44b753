import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { freePort } from '../support/oidc.js';

export { freePort };

/**
 * Helpers of the reliability suite: real Rapport processes (`node <build>/src/main.js`, built once by
 * global-setup.mjs), their embedded PostgreSQL, HTTP calls that never hang, and clean-up of everything started.
 */

export const ADMIN_KEY = 'reliability-admin-key-0123456789abcdef';
/** The same master key for every process of a test, so a second instance can open what the first sealed. */
export const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function buildDir(): string {
  const dir = process.env.RAPPORT_RELIABILITY_BUILD;
  if (!dir) throw new Error('RAPPORT_RELIABILITY_BUILD is not set: run through jest.reliability.config.mjs (npm run test:reliability)');
  return dir;
}


const tempDirs: string[] = [];

/** A fresh DATA_DIR (0711: as root, the embedded PostgreSQL runs as 'postgres' and must pass through it). */
export function tempDataDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rapport-reliability-${label}-`));
  fs.chmodSync(dir, 0o711);
  tempDirs.push(dir);
  return dir;
}

/** Polls until `check` returns a truthy value; the limit only ends a hung test (no timed assertion). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, limitMs = 60_000, everyMs = 100): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------- HTTP

export interface Answer {
  /** 0: no HTTP answer (connection refused or reset: the process is down). */
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: string;
}

/** Generous: a request that takes this long is a hang, which is a failure of its own. */
export const REQUEST_LIMIT_MS = 15_000;

export async function call(
  baseUrl: string,
  method: string,
  url: string,
  opts: { body?: unknown; raw?: string; contentType?: string; key?: string | null; headers?: Record<string, string>; limitMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== null) headers['X-API-Key'] = opts.key ?? ADMIN_KEY;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType ?? 'text/plain';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${url}`, { method, headers, body, signal: AbortSignal.timeout(opts.limitMs ?? REQUEST_LIMIT_MS) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') throw new Error(`${method} ${url} did not answer within ${(opts.limitMs ?? REQUEST_LIMIT_MS) / 1000} s (a hang)`, { cause: err });
    return { status: 0, headers: new Headers(), body: undefined, error: e.cause?.code ?? e.message };
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * The answer of a request while the database is away: 503 problem+json SERVICE_UNAVAILABLE with Retry-After
 * 1..5. Returns a description of what is wrong, or undefined when it is right.
 */
export function unavailableProblemIssue(a: Answer): string | undefined {
  if (a.status !== 503) return `status ${a.status}`;
  if (!a.headers.get('content-type')?.startsWith('application/problem+json')) return `content-type ${a.headers.get('content-type')}`;
  const retry = Number(a.headers.get('retry-after'));
  if (!Number.isInteger(retry) || retry < 1 || retry > 5) return `Retry-After ${a.headers.get('retry-after')}`;
  if (a.body?.status !== 503 || a.body?.code !== 'SERVICE_UNAVAILABLE') return `body ${JSON.stringify(a.body)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------- processes

export interface AppProcess {
  port: number;
  baseUrl: string;
  child: ChildProcess;
  pid: number;
  dataDir: string;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  call(method: string, url: string, opts?: Parameters<typeof call>[3]): Promise<Answer>;
  /** SIGTERM, then waits for the exit (SIGKILL after the limit). */
  stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: a crash of the app itself. */
  kill(): Promise<void>;
  logTail(lines?: number): string;
}

const apps = new Set<AppProcess>();

/**
 * Starts `node <build>/src/main.js`: embedded PostgreSQL in `dataDir` unless `databaseUrl` is given. Waits until
 * /health answers 200.
 */
export async function startApp(opts: { dataDir: string; databaseUrl?: string; env?: Record<string, string>; port?: number }): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const logFile = path.join(opts.dataDir, `app-${port}-${Date.now()}.log`);
  const out = fs.openSync(logFile, 'a');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Not the test run's database, NODE_OPTIONS (jest's --experimental-vm-modules) or any Rapport setting.
    if (v !== undefined && !['DATABASE_URL', 'NODE_OPTIONS', 'MASTER_KEY', 'ADMIN_API_KEY'].includes(k) && !k.startsWith('RAPPORT_')) env[k] = v;
  }
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    ADMIN_API_KEY: ADMIN_KEY,
    MASTER_KEY,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  });
  // cwd: the build, which holds no .env (the repository's could name another database).
  const child = spawn(process.execPath, [path.join(buildDir(), 'src', 'main.js')], { cwd: buildDir(), env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    port,
    baseUrl,
    child,
    pid: child.pid!,
    dataDir: opts.dataDir,
    logFile,
    exited,
    call: (method, url, o) => call(baseUrl, method, url.startsWith('/health') ? url : `/api/v1${url}`, o),
    async stop(limitMs = 30_000) {
      if (!gone) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
      const r = await exited;
      clearTimeout(timer);
      apps.delete(app);
      return r;
    },
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
      apps.delete(app);
    },
    logTail(lines = 30) {
      return fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
    },
  };
  apps.add(app);
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`the app exited while starting:\n${app.logTail()}`);
        return (await call(baseUrl, 'GET', '/health', { key: null, limitMs: 5_000 })).status === 200;
      },
      `the app on port ${port} to become healthy`,
      120_000,
      250,
    );
  } catch (err) {
    await app.kill();
    throw err;
  }
  return app;
}

/** Every PostgreSQL process (postmaster and backends) started on `dataDir`'s cluster: /proc scan by `-D <dir>`. */
function postmastersOf(dataDir: string): number[] {
  const pgDir = path.join(dataDir, 'pg');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const d = args.indexOf('-D');
      if (d >= 0 && args[d + 1] === pgDir) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/** The embedded postmaster's pid, from DATA_DIR/pg/postmaster.pid (line 1). */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').startsWith('Z'); // a zombie is dead
  } catch {
    return false;
  }
};

/** SIGKILLs the embedded PostgreSQL's postmaster (a crash of the database server). Returns its pid. */
export async function killPostmaster(dataDir: string): Promise<number> {
  const pid = await waitFor(() => {
    const p = postmasterPid(dataDir);
    return p && isAlive(p) && postmastersOf(dataDir).includes(p) ? p : undefined;
  }, `a running postmaster in ${dataDir}`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** The URL of the embedded cluster a Rapport process runs on `dataDir` (password file + port from postmaster.pid). */
export function embeddedUrl(dataDir: string, database = 'rapport'): string {
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** One query on its own connection (opened and closed each time: the server may have been restarted). */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * afterAll: every app still running is killed, then every PostgreSQL process left on the temp data dirs
 * (a postmaster orphaned by an app killed with SIGKILL), then the dirs are removed unless KEEP is set.
 */
export async function cleanUp(): Promise<void> {
  for (const app of [...apps]) await app.kill();
  for (const dir of tempDirs) {
    for (const pid of postmastersOf(dir)) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* gone */
      }
    }
  }
  for (const dir of tempDirs) {
    await waitFor(() => postmastersOf(dir).length === 0, `PostgreSQL of ${dir} to stop`, 20_000).catch(() => {
      for (const pid of postmastersOf(dir)) process.kill(pid, 'SIGKILL');
    });
  }
  if (!process.env.RAPPORT_RELIABILITY_KEEP) {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the app's log tail to the console when a test failed (jest has no afterEach(failed) hook: call it in catch). */
export function dumpLogs(...list: (AppProcess | undefined)[]): void {
  for (const app of list) if (app) console.log(`--- log of the app on port ${app.port} (${app.logFile})\n${app.logTail(60)}`);
}
