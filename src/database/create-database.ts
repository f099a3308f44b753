/**
 * Creates a database whose character classification is Unicode-aware (LC_CTYPE C.UTF-8) with byte-order collation
 * (LC_COLLATE C). Under a plain C ctype, pg_trgm treats every non-ASCII letter as a word break and lower() leaves
 * 'Ü' alone, so "Müller" would be searched as "m" and "ller". Falls back to the server's default where the C.UTF-8
 * locale does not exist.
 */
export async function createDatabase(client: { query(sql: string): Promise<unknown> }, name: string): Promise<void> {
  const ident = `"${name.replace(/"/g, '')}"`;
  try {
    await client.query(`CREATE DATABASE ${ident} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42809') throw err; // "invalid LC_CTYPE locale name": not on this system
    await client.query(`CREATE DATABASE ${ident}`);
  }
}
