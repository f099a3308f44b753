import type { EntityManager } from 'typeorm';

/**
 * TypeORM's `query` answers SELECT and INSERT … RETURNING with the rows, but UPDATE/DELETE … RETURNING
 * with `[rows, affectedCount]`. This returns the rows either way.
 */
export async function queryRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const res: unknown = await m.query(sql, params);
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
  return res as T[];
}

export const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : new Date(d).toISOString());
