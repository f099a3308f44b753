import type { EntityManager } from 'typeorm';

/**
 * The rows of a raw `query()` result. TypeORM's postgres driver answers UPDATE/DELETE with `[rows, rowCount]`
 * and everything else with `rows`; this always gives the rows (of RETURNING, for writes).
 */
export function rowsOf<T>(raw: unknown): T[] {
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') {
    return raw[0] as T[];
  }
  return raw as T[];
}

export async function queryRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return rowsOf<T>(await m.query(sql, params));
}
