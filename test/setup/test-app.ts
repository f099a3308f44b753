import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import request from 'supertest';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '../../src/database/create-database.js';
import { createRootLogger, PinoLoggerService } from '../../src/common/logging/logger.js';

export const API = '/api/v1';

export interface TestApp {
  app: NestExpressApplication;
  /** Raw supertest on the app's server. */
  request: () => ReturnType<typeof request>;
  /** Calls under /api/v1 with an API key (admin by default). */
  api: (key?: string) => ApiClient;
  adminKey: string;
  databaseUrl: string;
  /** Direct SQL on this test file's database (for fixtures and tamper tests). */
  sql: <T = Record<string, unknown>>(query: string, params?: unknown[]) => Promise<T[]>;
  /** Creates an API key with the admin key and returns its secret. */
  createKey: (role: 'admin' | 'staff' | 'compliance' | 'integration', extra?: Record<string, unknown>) => Promise<string>;
  /** Makes the app listen on a free port of 127.0.0.1 (for raw sockets and http.request) and answers the port. */
  listen: () => Promise<number>;
  /** The log lines written so far (only with `captureLogs`). */
  logs: string[];
  /** Stops the app and drops its database, unless `keepDatabase` (to start another app on it: a restart). */
  close: (options?: { keepDatabase?: boolean }) => Promise<void>;
}

export interface CreateTestAppOptions {
  /** Environment overrides, applied before the app (and its configuration) is created. */
  env?: Record<string, string>;
  /**
   * Runs on an existing database (one kept by `close({ keepDatabase: true })`) instead of a fresh one: a
   * restart. The new app takes the database over (its `close()` drops it). Pass the same MASTER_KEY in `env`.
   */
  databaseUrl?: string;
  /** Captures every log line the app writes (pino JSON, at `debug`) in `TestApp.logs`, as production writes them. */
  captureLogs?: boolean;
}

export interface ApiClient {
  get: (p: string) => request.Test;
  post: (p: string, body?: unknown) => request.Test;
  patch: (p: string, body?: unknown) => request.Test;
  put: (p: string, body?: unknown) => request.Test;
  delete: (p: string) => request.Test;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Every entity and migration class, imported here (TypeORM's own glob import does not work under jest ESM). */
async function loadSchemaClasses() {
  const classesOf = async (files: string[]) => {
    const out: (new (...args: never[]) => unknown)[] = [];
    for (const f of files) {
      const mod = (await import(f)) as Record<string, unknown>;
      for (const v of Object.values(mod)) if (typeof v === 'function') out.push(v as new (...args: never[]) => unknown);
    }
    return out;
  };
  return {
    entities: await classesOf(filesUnder(path.join(ROOT, 'src'), /\.entity\.ts$/)),
    migrations: await classesOf(filesUnder(path.join(ROOT, 'migrations'), /^\d+-.*\.ts$/)),
  };
}

/**
 * Boots the real AppModule with the production setup (configureApp) against a fresh database of its
 * own, migrated by the app on start. Call once per test file (configuration is read on import).
 */
export async function createTestApp(options: CreateTestAppOptions = {}): Promise<TestApp> {
  const adminUrl = process.env.RAPPORT_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('RAPPORT_TEST_ADMIN_URL is not set: run the e2e tests through jest (global-setup)');
  let databaseUrl: string;
  let dbName: string;
  if (options.databaseUrl) {
    databaseUrl = options.databaseUrl;
    dbName = new URL(databaseUrl).pathname.slice(1);
  } else {
    dbName = `rapport_t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await createDatabase(admin, dbName);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const adminKey = `rapk_test_admin_${randomBytes(16).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-app-'));

  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    MIGRATIONS_RUN: 'true',
    DATABASE_POOL_SIZE: '5',
    MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_API_KEY: adminKey,
    RATE_LIMIT_PER_MINUTE: '0',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    DATA_DIR: dataDir,
    ...options.env,
  });

  const { useExplicitClasses } = await import('../../src/database/data-source.js');
  useExplicitClasses(await loadSchemaClasses());
  const { AppModule } = await import('../../src/app.module.js');
  const { APP_OPTIONS, configureApp } = await import('../../src/app.setup.js');
  const logs: string[] = [];
  const root = options.captureLogs
    ? createRootLogger(
        'debug',
        new Writable({
          write(chunk: Buffer, _enc, done) {
            logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
            done();
          },
        }),
      )
    : undefined;
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ ...APP_OPTIONS, logger: root ? new PinoLoggerService(root) : false });
  await configureApp(app, root);
  await app.init();

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const server = app.getHttpServer();
  const api = (key = adminKey): ApiClient => {
    const withKey = (t: request.Test) => t.set('X-API-Key', key);
    const r = () => request(server);
    return {
      get: (p) => withKey(r().get(API + p)),
      post: (p, body) => withKey(r().post(API + p)).send(body as object),
      patch: (p, body) => withKey(r().patch(API + p)).send(body as object),
      put: (p, body) => withKey(r().put(API + p)).send(body as object),
      delete: (p) => withKey(r().delete(API + p)),
    };
  };

  return {
    app,
    request: () => request(server),
    api,
    adminKey,
    databaseUrl,
    logs,
    listen: async () => {
      const http = app.getHttpServer();
      if (!http.listening) await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      return (http.address() as { port: number }).port;
    },
    sql: async <T>(query: string, params?: unknown[]) => (await pool.query(query, params)).rows as T[],
    createKey: async (role, extra = {}) => {
      const res = await api().post('/api-keys', { name: `${role} key`, role, ...extra });
      if (res.status !== 201) throw new Error(`could not create ${role} key: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.key as string;
    },
    close: async (closeOptions = {}) => {
      await app.close();
      await pool.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (closeOptions.keepDatabase) return;
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await a.end();
    },
  };
}
