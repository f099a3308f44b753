import { subjectIds } from './audit.service.js';

describe('subjectIds (the other contacts an audit event is about, as stored and hashed)', () => {
  const A = '0b8f2d7e-2f3c-4d7a-9b1e-6a2c1f0e9d11';
  const B = '5c1e8a90-7b2d-4e3f-8a6b-1d2c3e4f5a66';

  it('answers null when there are none, so such events hash as before', () => {
    expect(subjectIds(null, undefined)).toBeNull();
    expect(subjectIds(null, [])).toBeNull();
    expect(subjectIds(null, [null, undefined])).toBeNull();
    expect(subjectIds(A, [A])).toBeNull();
  });

  it('keeps each contact once, in canonical form, sorted, without the event contact_id', () => {
    expect(subjectIds(null, [B, A.toUpperCase(), B])).toEqual([A, B]);
    expect(subjectIds(A, [B, A])).toEqual([B]);
  });

  it('refuses what is not a uuid (never hashed in a form the column would not return)', () => {
    expect(() => subjectIds(null, ['not-a-uuid'])).toThrow();
  });
});
