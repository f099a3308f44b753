const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Columns never shown, even to the data subject: hashes of tokens, sealed secrets. */
const HIDDEN = /(_hash|_sealed|^search_|_tsv$|^tsv$|_vector$)/;

/** A database row as the export shows it: camelCase keys, hidden columns left out. */
export function toPlain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!HIDDEN.test(k)) out[camel(k)] = v;
  return out;
}
