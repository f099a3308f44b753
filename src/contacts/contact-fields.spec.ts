import { normaliseEmails, normalisePhones, unionBy } from './contact-fields.js';

describe('contact fields', () => {
  it('should normalise and deduplicate e-mails', () => {
    expect(
      normaliseEmails([
        { address: ' Ada@Example.ORG ' },
        { address: 'ada@example.org', label: 'work' },
        { address: 'b@c.de', label: '' },
      ]),
    ).toEqual([
      { address: 'ada@example.org', label: 'work' },
      { address: 'b@c.de', label: null },
    ]);
  });
  it('should store phones in E.164 once', () => {
    expect(
      normalisePhones([{ number: '+49 30 1234567' }, { number: '030 1234567', label: 'office' }]),
    ).toEqual([{ number: '+49301234567', label: 'office' }]);
  });
  it('should union lists keeping the first order', () => {
    expect(unionBy(['a', 'b'], ['b', 'c', 'c'], (x) => x)).toEqual(['a', 'b', 'c']);
  });
});
