import type { EntityManager } from 'typeorm';
import { queryRows } from './query-rows.js';

/** Names are quoted as identifiers; they come from the owner's repository, never from a request. */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Archive and restore, one implementation for every table that has them (`archived_at`, `version`,
 * `updated_at`): archiving sets `archived_at` to now, restoring clears it; either gives the row a new version.
 * The owner's repository passes its own table, the alias its `returning` column list uses, and that list.
 */
export async function setArchived<T>(
  m: EntityManager,
  table: string,
  alias: string,
  returning: string,
  id: string,
  archived: boolean,
): Promise<T> {
  const [row] = await queryRows<T>(
    m,
    `UPDATE ${ident(table)} ${alias} SET archived_at = ${archived ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${returning}`,
    [id],
  );
  return row;
}
