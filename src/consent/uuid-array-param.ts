/** PostgreSQL's type oid of `uuid` (pg_type), the element type a binary `uuid[]` names. */
const UUID_OID = 2950;

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;
/** Offsets of the 32 hex digits in the canonical 36-character form (hyphens at 8, 13, 18 and 23). */
const DIGITS = Array.from({ length: 36 }, (_, i) => i).filter((i) => i !== 8 && i !== 13 && i !== 18 && i !== 23);

/**
 * A list of UUIDs as a `uuid[]` query parameter in PostgreSQL's binary format (node-postgres sends a Buffer
 * parameter as binary): 20 bytes per id, which the server reads as they are, where the text form (`{…,…}`) of
 * 10,000 ids costs escaping here and parsing there (several milliseconds each way). The statement must read the
 * parameter as `uuid[]` (`$1::uuid[]`). Throws on anything that is not a hyphenated UUID (callers pass validated ids).
 */
export function uuidArrayParam(ids: readonly string[]): Buffer {
  const n = ids.length;
  const buf = Buffer.allocUnsafe(20 + 20 * n);
  // Header: dimensions, has-nulls flag, element type; then the one dimension's length and lower bound.
  buf.writeInt32BE(n === 0 ? 0 : 1, 0);
  buf.writeInt32BE(0, 4);
  buf.writeInt32BE(UUID_OID, 8);
  if (n === 0) return buf.subarray(0, 12);
  buf.writeInt32BE(n, 12);
  buf.writeInt32BE(1, 16);
  let o = 20;
  for (let k = 0; k < n; k++) {
    const id = ids[k];
    if (typeof id !== 'string' || id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-') {
      throw new TypeError(`not a UUID at index ${k}`);
    }
    buf.writeInt32BE(16, o);
    o += 4;
    for (let d = 0; d < 32; d += 2) {
      const hi = HEX[id.charCodeAt(DIGITS[d])] ?? -1;
      const lo = HEX[id.charCodeAt(DIGITS[d + 1])] ?? -1;
      if (hi < 0 || lo < 0) throw new TypeError(`not a UUID at index ${k}`);
      buf[o++] = (hi << 4) | lo;
    }
  }
  return buf;
}
