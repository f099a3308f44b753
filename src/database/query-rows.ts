import type { EntityManager } from 'typeorm';

/**
 * Rows of a raw query. TypeORM's postgres driver answers UPDATE/DELETE with `[rows, rowCount]` and
 * everything else with `rows`; this always gives the rows (of RETURNING, for writes).
 */
export async function queryRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const res: unknown = await m.query(sql, params);
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') {
    return res[0] as T[];
  }
  return res as T[];
}
