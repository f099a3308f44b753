/**
 * The small helpers every repository uses for hand-written SQL: `queryRows`/`rowsOf` (the rows of a raw query,
 * whatever TypeORM's driver wrapped them in), `SqlWhere` (a parameterised WHERE built filter by filter) and `iso`
 * (a timestamp column as an ISO string, null kept).
 */
export { queryRows, rowsOf } from './query-rows.js';
export { SqlWhere } from './sql-where.js';

export const iso = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : new Date(d).toISOString());
