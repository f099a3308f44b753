import { toE164 } from './phone.js';

describe('toE164', () => {
  it('should keep international numbers in E.164', () => {
    expect(toE164('+49 30 1234567')).toBe('+49301234567');
    expect(toE164('tel:+44-20-7946-0958')).toBe('+442079460958');
  });
  it('should read national numbers as German ones by default', () => {
    expect(toE164('030 1234567')).toBe('+49301234567');
  });
  it('should reject things that are not phone numbers', () => {
    expect(toE164('not a phone')).toBeNull();
    expect(toE164('12')).toBeNull();
    expect(toE164('')).toBeNull();
  });
});
