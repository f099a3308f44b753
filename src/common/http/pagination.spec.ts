import { afterCreated, encodeCursor } from './pagination.js';

describe('afterCreated', () => {
  const collect = () => {
    const values: unknown[] = [];
    return { values, param: (v: unknown) => `$${values.push(v)}` };
  };
  const cursor = encodeCursor(['2026-11-23 01:02:03.123456+00', '00000000-0000-4000-8000-000000000001']);

  it('should add nothing without a cursor', () => {
    const { values, param } = collect();
    expect(afterCreated(undefined, 'c', 'asc', param)).toBe('');
    expect(values).toEqual([]);
  });

  it('should compare after the cursor for oldest first, with the exact timestamp as a parameter', () => {
    const { values, param } = collect();
    values.push('already there');
    expect(afterCreated(cursor, 'c', 'asc', param)).toBe('(c.created_at, c.id) > ($2::timestamptz, $3::uuid)');
    expect(values).toEqual(['already there', '2026-11-23 01:02:03.123456+00', '00000000-0000-4000-8000-000000000001']);
  });

  it('should compare before the cursor for newest first, and without an alias', () => {
    const { param } = collect();
    expect(afterCreated(cursor, '', 'desc', param)).toBe('(created_at, id) < ($1::timestamptz, $2::uuid)');
  });

  it('should refuse a cursor this API did not issue', () => {
    const { param } = collect();
    expect(() => afterCreated('not-a-cursor', 'c', 'asc', param)).toThrow('cursor is not a cursor this API issued');
    expect(() => afterCreated(encodeCursor(['only one']), 'c', 'asc', param)).toThrow();
  });
});
