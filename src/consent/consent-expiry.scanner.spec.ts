import { latestExpiryPerPair } from './consent-expiry.scanner.js';

const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';
const P = '33333333-3333-4333-8333-333333333333';

describe('latestExpiryPerPair', () => {
  it('keeps, per contact and purpose, the latest expiry noticed, to the microsecond', () => {
    const latest = latestExpiryPerPair([
      { consent_id: 'a', contact_id: C1, purpose_id: P, expired_at: '2026-11-30 04:00:00.000001+00', expired_us: '1796011200000001' },
      { consent_id: 'b', contact_id: C1, purpose_id: P, expired_at: '2026-11-30 04:00:00.000002+00', expired_us: '1796011200000002' },
      { consent_id: 'c', contact_id: C1, purpose_id: P, expired_at: '2026-11-30 03:00:00+00', expired_us: '1796007600000000' },
      { consent_id: 'd', contact_id: C2, purpose_id: P, expired_at: '2026-11-29 00:00:00+00', expired_us: '1795910400000000' },
    ]);
    expect([...latest.values()]).toEqual([
      { contactId: C1, purposeId: P, expiredAt: '2026-11-30 04:00:00.000002+00' },
      { contactId: C2, purposeId: P, expiredAt: '2026-11-29 00:00:00+00' },
    ]);
    expect(latest.get(`${C1}/${P}`)?.expiredAt).toBe('2026-11-30 04:00:00.000002+00');
  });

  it('is empty for no notices', () => {
    expect(latestExpiryPerPair([]).size).toBe(0);
  });
});
