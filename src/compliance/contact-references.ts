import { EntityManager } from 'typeorm';

export interface ContactReference {
  table: string;
  column: string;
}

/**
 * Every single-column foreign key that points at contacts(id), read from the catalogue: a table added by any
 * feature is found without this code knowing it (export and erasure stay complete as the schema grows).
 */
export async function contactReferences(m: EntityManager): Promise<ContactReference[]> {
  return m.query(
    `SELECT c.conrelid::regclass::text AS "table", a.attname AS "column"
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.confrelid = 'contacts'::regclass AND cardinality(c.conkey) = 1
        AND c.conrelid <> 'contacts'::regclass
      ORDER BY 1, 2`,
  );
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Columns never shown, even to the data subject: hashes of tokens, sealed secrets. */
const HIDDEN = /(_hash|_sealed|^search_|_tsv$|^tsv$|_vector$)/;

export function toPlain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!HIDDEN.test(k)) out[camel(k)] = v;
  return out;
}
