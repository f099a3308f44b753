import type { EntityManager } from 'typeorm';
import { preparedRowsIn } from './prepared.js';

/**
 * The values of a statement composed from several owners' fragments, bound in the order the fragments are built:
 * `bind(v, 'uuid')` adds a value and answers its placeholder (`$3::uuid`). Building the fragments in a fixed order
 * gives a fixed text, so the statement is prepared once per connection.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  readonly bind = (value: unknown, cast?: string): string => `$${this.values.push(value)}${cast ? `::${cast}` : ''}`;
}

/** One part of a composed write: a named common table expression whose SQL comes from the table's owner. */
export interface SqlPart {
  name: string;
  sql: string;
}

/**
 * One statement from the owners' fragments: `WITH a AS (…), b AS (…) <select>`. Nothing here names a table: each
 * part's SQL lives in the repository of the folder that owns its table (the one-owner rule); this only joins them.
 * A single statement is atomic on its own: every part is written, or none (a failed audit insert leaves no change).
 */
export function composeWith(parts: readonly SqlPart[], select: string): string {
  return `WITH ${parts.map((p) => `${p.name} AS (${p.sql})`).join(',\n     ')}\n${select}`;
}

/** Runs a composed statement (prepared on the connection: its text is fixed for a shape of write). */
export function runComposed<T>(m: EntityManager, text: string, params: SqlParams): Promise<T[]> {
  return preparedRowsIn<T>(m, text, params.values);
}
