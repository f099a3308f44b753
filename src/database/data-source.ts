import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource, DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How long a request may wait for a pool connection (connecting, or a free one in a busy pool). */
export const DATABASE_CONNECT_TIMEOUT_MS = 5_000;

type ClassList = NonNullable<DataSourceOptions['entities']>;
let explicit: { entities?: ClassList; migrations?: NonNullable<DataSourceOptions['migrations']> } = {};

/**
 * Hands TypeORM the entity and migration classes instead of file globs. The tests use it: jest's ESM
 * runtime cannot serve TypeORM's own dynamic imports once a second test file runs in the same process.
 */
export function useExplicitClasses(classes: typeof explicit): void {
  explicit = classes;
}

/**
 * The one set of DataSource options, shared by the Nest app and the TypeORM CLI.
 * `synchronize` is off everywhere: the schema comes only from migrations/.
 */
export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  const pool = (extra as { extra?: Record<string, unknown> }).extra;
  return {
    type: 'postgres',
    url,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: explicit.entities ?? [path.join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: explicit.migrations ?? [path.join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    ...extra,
    // pg.Pool options. A request never waits long for a connection: while the database is down or restarting,
    // connecting fails (or times out) within connectionTimeoutMillis and the request answers 503. The pool opens
    // new connections on demand and drops broken ones, so it reconnects by itself when the server is back.
    extra: {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
      connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      ...pool,
    },
  } as DataSourceOptions;
}

/** Used by `npm run migration:*` (the TypeORM CLI). Needs DATABASE_URL. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://localhost/rapport'));
