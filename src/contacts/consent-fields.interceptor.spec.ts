import { consentFieldsIn } from './consent-fields.interceptor.js';

describe('consentFieldsIn', () => {
  it('should find consent-like keys at any depth', () => {
    expect(
      consentFieldsIn({
        givenName: 'A',
        consent: true,
        marketingConsent: 'yes',
        gdprConsent: 1,
        consentStatus: 'x',
        consents: [],
      }),
    ).toEqual(['consent', 'marketingConsent', 'gdprConsent', 'consentStatus', 'consents']);
    expect(consentFieldsIn({ meta: { optIn: true } })).toEqual(['meta.optIn']);
  });
  it('should let ordinary bodies through', () => {
    expect(consentFieldsIn({ givenName: 'A', emails: [{ address: 'a@b.de' }] })).toEqual([]);
    expect(consentFieldsIn(undefined)).toEqual([]);
  });
});
