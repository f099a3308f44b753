import { createHash } from 'node:crypto';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { queryRows } from './query-rows.js';

/** Statement names by text (the texts are the code's constants: a handful). */
const names = new Map<string, string>();
const nameOf = (text: string): string => {
  let name = names.get(text);
  if (!name) names.set(text, (name = `rapport_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`));
  return name;
};

type PgQueryable = { query: (cfg: { name: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[] }> };

async function runNamed<T>(target: PgQueryable, text: string, params: unknown[]): Promise<T[]> {
  try {
    return (await target.query({ name: nameOf(text), text, values: params })).rows as T[];
  } catch (e) {
    throw e instanceof QueryFailedError ? e : new QueryFailedError(text, params, e as Error);
  }
}

/**
 * The rows of a hot read, as a named prepared statement when `m` is not a transaction's manager: straight to the
 * pool (no TypeORM query runner), and PostgreSQL parses and plans it once per connection instead of on every
 * call. Inside a transaction it runs on that transaction's connection as an ordinary query (same rows). The name
 * is derived from the text (pg refuses one name for two texts on a connection). Errors are TypeORM's
 * `QueryFailedError`, as for every other query, so the problem filter maps their SQLSTATE.
 */
export async function preparedRows<T>(m: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  const pool = m.queryRunner ? undefined : (m.connection.driver as unknown as { master?: PgQueryable }).master;
  if (!pool || typeof pool.query !== 'function') return queryRows<T>(m, text, params);
  return runNamed<T>(pool, text, params);
}

/**
 * Like `preparedRows`, for a hot write: inside a transaction the named statement runs on that transaction's own
 * connection (the pg client of its query runner), so it is part of the transaction; outside one, on the pool (an
 * autocommitted statement). Falls back to an ordinary query where neither is at hand.
 */
export async function preparedRowsIn<T>(m: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  const qr = m.queryRunner as unknown as { isTransactionActive?: boolean; databaseConnection?: PgQueryable } | undefined;
  if (!qr) return preparedRows<T>(m, text, params);
  const client = qr.isTransactionActive ? qr.databaseConnection : undefined;
  if (!client || typeof client.query !== 'function') return queryRows<T>(m, text, params);
  return runNamed<T>(client, text, params);
}
