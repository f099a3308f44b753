import type { EntityManager } from 'typeorm';
import { queryRows } from './query-rows.js';

type PgPool = { query: (cfg: { name: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[] }> };

/**
 * The rows of a hot read, as a named prepared statement when `m` is not a transaction's manager: straight to the
 * pool (no TypeORM query runner), and PostgreSQL parses and plans it once per connection instead of on every
 * call. Inside a transaction it runs on that transaction's connection as an ordinary query (same rows). `name`
 * must be unique per `text` across the process (pg refuses one name for two texts on a connection).
 */
export async function preparedRows<T>(m: EntityManager, name: string, text: string, params: unknown[]): Promise<T[]> {
  const pool = m.queryRunner ? undefined : (m.connection.driver as unknown as { master?: PgPool }).master;
  if (pool && typeof pool.query === 'function') return (await pool.query({ name, text, values: params })).rows as T[];
  return queryRows<T>(m, text, params);
}
