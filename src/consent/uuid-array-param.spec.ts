import { uuidArrayParam } from './uuid-array-param.js';

/** Reads PostgreSQL's binary array format back (what array_recv reads): header, then length-prefixed elements. */
function decode(buf: Buffer): { ndim: number; flags: number; oid: number; ids: string[] } {
  const ndim = buf.readInt32BE(0);
  const flags = buf.readInt32BE(4);
  const oid = buf.readInt32BE(8);
  const ids: string[] = [];
  if (ndim === 0) return { ndim, flags, oid, ids };
  const n = buf.readInt32BE(12);
  expect(buf.readInt32BE(16)).toBe(1);
  let o = 20;
  for (let i = 0; i < n; i++) {
    expect(buf.readInt32BE(o)).toBe(16);
    const h = buf.subarray(o + 4, o + 20).toString('hex');
    ids.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
    o += 20;
  }
  expect(o).toBe(buf.length);
  return { ndim, flags, oid, ids };
}

describe('uuidArrayParam: a uuid[] parameter in binary form', () => {
  it('encodes each id as its 16 bytes, in order, with a one-dimensional uuid header', () => {
    const ids = ['8460bb91-8a7b-41c0-8ca3-4fec3252f2f1', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    expect(decode(uuidArrayParam(ids))).toEqual({ ndim: 1, flags: 0, oid: 2950, ids });
  });

  it('reads upper-case digits as the same bytes', () => {
    expect(uuidArrayParam(['8460BB91-8A7B-41C0-8CA3-4FEC3252F2F1'])).toEqual(uuidArrayParam(['8460bb91-8a7b-41c0-8ca3-4fec3252f2f1']));
  });

  it('encodes an empty list as an array of no dimensions', () => {
    expect(decode(uuidArrayParam([]))).toEqual({ ndim: 0, flags: 0, oid: 2950, ids: [] });
    expect(uuidArrayParam([])).toHaveLength(12);
  });

  it.each([
    ['not hex', '8460bb91-8a7b-41c0-8ca3-4fec3252f2fg'],
    ['no hyphens', '8460bb918a7b41c08ca34fec3252f2f1'],
    ['too long', '8460bb91-8a7b-41c0-8ca3-4fec3252f2f11'],
    ['hyphen misplaced', '8460bb9-18a7b-41c0-8ca3-4fec3252f2f1'],
    ['non-ASCII', '8460bb91-8a7b-41c0-8ca3-4fec3252f2fé'],
  ])('throws on an id that is %s', (_name, id) => {
    expect(() => uuidArrayParam(['8460bb91-8a7b-41c0-8ca3-4fec3252f2f1', id])).toThrow('not a UUID at index 1');
  });
});
