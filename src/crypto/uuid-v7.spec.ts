import { uuidV7 } from './uuid-v7.js';

describe('uuidV7', () => {
  it('should make RFC 9562 version 7 ids with the time in their first 48 bits', () => {
    const at = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
    const id = uuidV7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('should sort ids of later milliseconds after earlier ones, and never repeat one', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => uuidV7(1_700_000_000_000 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 10; i < ids.length; i += 10) expect(ids[i] > ids[i - 1]).toBe(true);
  });
});
