import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from './query-rows.js';

/** Names are quoted as identifiers; they come from the owner's code, never from a request. */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

const isUniqueViolation = (err: unknown) =>
  ((err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code) === '23505';

const logger = new Logger('ContactMerge');

/**
 * Merge: repoints one column of `table` from the duplicate contact to the survivor. Rows that would then break a
 * unique constraint (the survivor already has the same link) are deleted instead: first set-based for plain unique
 * indexes, then row by row under a savepoint for anything else (partial or expression indexes). Called by the owner
 * of `table` (its PersonalDataHolder.moveTo), inside the merge's transaction.
 */
export async function moveContactReferences(
  m: EntityManager,
  table: string,
  column: string,
  from: string,
  to: string,
): Promise<{ moved: number; dropped: number }> {
  const t = ident(table);
  const col = ident(column);
  let dropped = 0;
  const uniques: { cols: string[] }[] = await m.query(
    `SELECT array_agg(a.attname::text ORDER BY k.ord) AS cols
     FROM pg_index i
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
     GROUP BY i.indexrelid
     HAVING bool_or(a.attname = $2)`,
    [t, column],
  );
  for (const u of uniques) {
    const others = u.cols.filter((c) => c !== column);
    const same = others.map((c) => `s.${ident(c)} = d.${ident(c)}`).join(' AND ');
    const res = await queryRows<unknown>(
      m,
      `DELETE FROM ${t} d WHERE d.${col} = $1 AND EXISTS (SELECT 1 FROM ${t} s WHERE s.${col} = $2${same ? ` AND ${same}` : ''}) RETURNING 1`,
      [from, to],
    );
    dropped += res.length;
  }
  await m.query('SAVEPOINT contact_merge_move');
  try {
    const res = await queryRows<unknown>(m, `UPDATE ${t} SET ${col} = $2 WHERE ${col} = $1 RETURNING 1`, [from, to]);
    await m.query('RELEASE SAVEPOINT contact_merge_move');
    return { moved: res.length, dropped };
  } catch (err) {
    await m.query('ROLLBACK TO SAVEPOINT contact_merge_move');
    if (!isUniqueViolation(err)) throw err;
  }
  // Some other unique rule (partial or on an expression): row by row.
  let moved = 0;
  const rows: { ctid: string }[] = await m.query(`SELECT ctid::text AS ctid FROM ${t} WHERE ${col} = $1`, [from]);
  for (const r of rows) {
    await m.query('SAVEPOINT contact_merge_row');
    try {
      await m.query(`UPDATE ${t} SET ${col} = $2 WHERE ctid = $1::tid`, [r.ctid, to]);
      await m.query('RELEASE SAVEPOINT contact_merge_row');
      moved += 1;
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT contact_merge_row');
      if (!isUniqueViolation(err)) throw err;
      await m.query(`DELETE FROM ${t} WHERE ctid = $1::tid`, [r.ctid]);
      dropped += 1;
    }
  }
  logger.log(`merge: ${table}.${column} moved row by row (${moved} moved, ${dropped} dropped)`);
  return { moved, dropped };
}
