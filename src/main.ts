import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { loadEnvFile } from './config/env-file.js';
import { validateEnv } from './config/env.validation.js';
import { createRootLogger, PinoLoggerService } from './common/logging/logger.js';
import type { EmbeddedDatabase } from './database/embedded-postgres.js';

/** Started by this process (no DATABASE_URL): stopped on every way out, or it would outlive us. */
let embedded: Promise<EmbeddedDatabase> | undefined;
/** How long SIGTERM may take before the process gives up waiting for requests (orchestrators kill at ~30 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * Old-space growth after each full GC, in percent of what survived it. V8's own factor is dynamic, up to 4x when
 * requests allocate fast: under load the old space grew to ~190 MB over a ~50 MB live set, and RSS past 300 MB.
 * 100 % keeps the heap at twice the live set: bench peak RSS about 220 MB. 50 % kept it under 200 MB but doubled
 * the full GCs, and p99 under load with them (side by side in bench/RESULTS.md, session 8). Read by V8 at every
 * full GC, so setting it here at run time takes effect (unlike the heap *size* flags, which count only on the
 * command line). An operator's own heap flags win: `node --heap-growing-percent=…` on the command line (Node does
 * not take it in NODE_OPTIONS), or `--max-old-space-size` on the command line or in NODE_OPTIONS.
 */
const HEAP_GROWING_PERCENT = 100;

function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((arg) => /^--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size)/.test(arg))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

async function stopEmbedded(logger: Logger): Promise<void> {
  const starting = embedded;
  embedded = undefined;
  if (!starting) return;
  try {
    await (await starting).stop(); // also when the signal came while it was still starting
  } catch (err) {
    logger.error(`Embedded PostgreSQL did not stop cleanly: ${(err as Error).message}`);
  }
}

async function bootstrap(): Promise<void> {
  limitHeapGrowth();
  loadEnvFile();
  const env = validateEnv(process.env);
  const logLevel = env.LOG_LEVEL ?? 'info';
  // One log stream from the first line on: Nest's Logger writes through pino, as the request log does.
  const root = createRootLogger(logLevel);
  Logger.overrideLogger(new PinoLoggerService(root));
  const logger = new Logger('Bootstrap');

  // Signals are handled from the start: a SIGTERM during start-up (e.g. while migrations run) must still stop
  // the embedded PostgreSQL this process started.
  let app: NestExpressApplication | undefined = undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests and stopping`);
    let code = 0;
    const deadline = setTimeout(() => {
      logger.error(`Requests still running after ${SHUTDOWN_TIMEOUT_MS / 1000} s: stopping anyway`);
      void stopEmbedded(logger).finally(() => process.exit(1));
    }, SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await app?.close();
    } catch (err) {
      code = 1;
      logger.error(`Shutdown failed: ${(err as Error).message}`);
    }
    await stopEmbedded(logger);
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  if (!env.DATABASE_URL) {
    const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
    const ours = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    // embedded-postgres installs its own signal hooks (async-exit-hook) that stop PostgreSQL and exit with 128+n
    // at once, under requests still running. The shutdown above drains requests first, then stops it.
    for (const sig of signals) {
      for (const listener of process.listeners(sig)) if (!ours.get(sig)!.has(listener)) process.removeListener(sig, listener);
    }
    const dataDir = path.resolve(env.DATA_DIR ?? '.data');
    logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${dataDir}`);
    // Supervised: restarted whenever it dies, for as long as this process runs (requests answer 503 meanwhile).
    embedded = startEmbeddedPostgres(dataDir, { events: new Logger('EmbeddedPostgres') });
    process.env.DATABASE_URL = (await embedded).url;
  }

  // Loaded only now: configuration is read when the module is imported.
  const { AppModule } = await import('./app.module.js');
  const setup = await import('./app.setup.js');
  app = await NestFactory.create<NestExpressApplication>(AppModule, {
    ...setup.APP_OPTIONS,
    logger: new PinoLoggerService(root),
  });
  await setup.configureApp(app, root);
  if (stopping) return;

  const port = env.PORT ?? 3000;
  await app.listen(port, env.HOST ?? '0.0.0.0');
  logger.log(`Rapport listens on port ${port}; OpenAPI at /openapi.json, Swagger UI at /docs`);
}

bootstrap().catch(async (err: Error) => {
  // Configuration errors name the variable; nothing else is printed that could hold a secret.
  console.error(err.message);
  await stopEmbedded(new Logger('Bootstrap'));
  process.exit(1);
});
