import { Ledger, runLoad, seed, verifyLedger } from './load.js';
import {
  AppProcess,
  cleanUp,
  dumpLogs,
  embeddedUrl,
  isAlive,
  killPostmaster,
  postmasterPid,
  sleep,
  startApp,
  tempDataDir,
  waitFor,
} from './support.js';

const randomBetween = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

/**
 * The supervisor has started a postmaster other than the one killed. Until then /health may still answer 200: a
 * pooled connection's backend can answer a ping for a moment after its postmaster died.
 */
async function restarted(dataDir: string, killed: number): Promise<void> {
  await waitFor(
    () => {
      const pid = postmasterPid(dataDir);
      return pid !== undefined && pid !== killed && isAlive(pid);
    },
    `a postmaster other than the killed ${killed}`,
    60_000,
    50,
  );
}

async function healthy(app: AppProcess): Promise<void> {
  await waitFor(async () => (await app.call('GET', '/health', { key: null })).status === 200, 'the service to resume', 60_000, 100);
}

/**
 * Crash durability (issue 13): under a concurrent write load, the PostgreSQL server and then the app itself are
 * killed with SIGKILL at random moments. Afterwards every write the API acknowledged is there, no disclosure was
 * answered without its record, imports are all or nothing, and the audit chain verifies.
 */
describe('Crash durability', () => {
  const dataDir = tempDataDir('durability');
  let app: AppProcess | undefined;
  let ledger: Ledger;

  beforeAll(async () => {
    app = await startApp({ dataDir });
    ledger = new Ledger((await seed(app)).id);
  });

  afterAll(async () => {
    await cleanUp();
  });

  it('keeps every acknowledged write when PostgreSQL is killed five times under load', async () => {
    try {
      const load = runLoad(app!, ledger, { workers: 4 });
      try {
        for (let kill = 1; kill <= 5; kill++) {
          await sleep(randomBetween(400, 1500)); // the load runs against a healthy database for a random while
          const killed = await killPostmaster(dataDir);
          await restarted(dataDir, killed);
          await healthy(app!);
        }
        await sleep(1000);
      } finally {
        await load.stop();
      }
      console.log(`reliability: load while PostgreSQL was killed 5 times: ${ledger.summary()}`);
      expect(ledger.bad).toEqual([]);
      expect(isAlive(app!.pid)).toBe(true);
      // The load did get through between the kills.
      expect(ledger.disclosures.length).toBeGreaterThan(0);
      expect(ledger.consents.length).toBeGreaterThan(0);
      expect(await verifyLedger(embeddedUrl(dataDir), app!, ledger)).toEqual([]);
    } catch (err) {
      dumpLogs(app);
      throw err;
    }
  });

  it('keeps every acknowledged write when the app itself is killed in the middle of disclosures and imports', async () => {
    try {
      ledger.bad = []; // the first test's answers are judged there
      const before = ledger.disclosures.length;
      const importsBefore = ledger.imports.length;
      for (let kill = 1; kill <= 3; kill++) {
        const load = runLoad(app!, ledger, {
          workers: 4,
          appMayBeDown: true,
          ops: [
            ['disclose', 4],
            ['import', 3],
            ['consent', 1],
            ['withdraw', 1],
          ],
        });
        await sleep(randomBetween(500, 1500));
        await app!.kill(); // SIGKILL: its embedded PostgreSQL is left running, orphaned
        await load.stop();
        // The same DATA_DIR: the new process stops the orphaned server and starts its own (crash recovery).
        app = await startApp({ dataDir });
      }
      console.log(`reliability: load while the app was killed 3 times: ${ledger.summary()}`);
      expect(ledger.bad).toEqual([]);
      expect(ledger.disclosures.length).toBeGreaterThan(before);
      expect(ledger.imports.length).toBeGreaterThan(importsBefore);
      expect(await verifyLedger(embeddedUrl(dataDir), app!, ledger)).toEqual([]);
      expect((await app!.stop()).code).toBe(0);
    } catch (err) {
      dumpLogs(app);
      throw err;
    }
  });
});
