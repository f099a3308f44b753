import { decide, DecisionConsent, DecisionInput, effectiveStatus } from './consent-decision.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const R1 = '00000000-0000-4000-8000-000000000001';
const R2 = '00000000-0000-4000-8000-000000000002';
let n = 0;
const consent = (over: Partial<DecisionConsent> = {}): DecisionConsent => ({
  id: `c${++n}`,
  status: 'granted',
  recipientIds: null,
  obtainedAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: null,
  ...over,
});
const input = (over: Partial<DecisionInput> = {}): DecisionInput => ({
  contact: { exists: true, erased: false },
  purpose: { legalBasis: 'consent' },
  recipientId: R1,
  consents: [],
  objected: false,
  now: NOW,
  ...over,
});
const past = new Date(NOW.getTime() - 1000);
const future = new Date(NOW.getTime() + 1000);

describe('decide (consent gate)', () => {
  describe('every reason', () => {
    it('unknown_contact', () => {
      expect(decide(input({ contact: { exists: false, erased: false } }))).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'unknown_contact' });
    });
    it('contact_erased', () => {
      expect(decide(input({ contact: { exists: true, erased: true } })).reason).toBe('contact_erased');
    });
    it('objection', () => {
      expect(decide(input({ objected: true, consents: [consent()] }))).toMatchObject({ allowed: false, reason: 'objection' });
    });
    it('legal_basis for every non-consent basis', () => {
      for (const basis of ['contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests']) {
        expect(decide(input({ purpose: { legalBasis: basis } }))).toEqual({ allowed: true, legalBasis: basis, consentId: null, reason: 'legal_basis' });
      }
    });
    it('consent_granted with the consent id', () => {
      const c = consent();
      expect(decide(input({ consents: [c] }))).toEqual({ allowed: true, legalBasis: 'consent', consentId: c.id, reason: 'consent_granted' });
    });
    it('consent_granted for a consent naming the recipient', () => {
      const c = consent({ recipientIds: [R2, R1] });
      expect(decide(input({ consents: [c] })).reason).toBe('consent_granted');
    });
    it('consent_granted for an empty recipient list (= every recipient)', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [] })] })).reason).toBe('consent_granted');
    });
    it('consent_withdrawn', () => {
      expect(decide(input({ consents: [consent({ status: 'withdrawn' })] }))).toMatchObject({ allowed: false, reason: 'consent_withdrawn', consentId: null });
    });
    it('consent_expired', () => {
      expect(decide(input({ consents: [consent({ expiresAt: past })] }))).toMatchObject({ allowed: false, reason: 'consent_expired' });
    });
    it('consent_pending', () => {
      expect(decide(input({ consents: [consent({ status: 'pending' })] }))).toMatchObject({ allowed: false, reason: 'consent_pending' });
    });
    it('recipient_not_covered', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2] })] }))).toMatchObject({ allowed: false, reason: 'recipient_not_covered' });
    });
    it('no_consent', () => {
      expect(decide(input())).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'no_consent' });
    });
  });

  describe('expiry boundary', () => {
    it('expiresAt == now is expired', () => {
      expect(decide(input({ consents: [consent({ expiresAt: new Date(NOW) })] })).reason).toBe('consent_expired');
      expect(effectiveStatus({ status: 'granted', expiresAt: new Date(NOW) }, NOW)).toBe('expired');
    });
    it('expiresAt one millisecond after now is live', () => {
      expect(decide(input({ consents: [consent({ expiresAt: new Date(NOW.getTime() + 1) })] })).reason).toBe('consent_granted');
    });
    it('expiresAt one second before now is expired', () => {
      expect(decide(input({ consents: [consent({ expiresAt: new Date(NOW.getTime() - 1000) })] })).reason).toBe('consent_expired');
    });
  });

  describe('precedence pairs (the earlier row wins)', () => {
    const objectedErased = { contact: { exists: true, erased: true }, objected: true };
    it('unknown_contact over everything', () => {
      expect(decide(input({ contact: { exists: false, erased: true }, objected: true, consents: [consent()], purpose: { legalBasis: 'contract' } })).reason).toBe('unknown_contact');
    });
    it('contact_erased over objection', () => {
      expect(decide(input(objectedErased)).reason).toBe('contact_erased');
    });
    it('contact_erased over legal_basis', () => {
      expect(decide(input({ contact: { exists: true, erased: true }, purpose: { legalBasis: 'legitimate_interests' } })).reason).toBe('contact_erased');
    });
    it('contact_erased over consent_granted', () => {
      expect(decide(input({ contact: { exists: true, erased: true }, consents: [consent()] })).reason).toBe('contact_erased');
    });
    it('objection over legal_basis', () => {
      expect(decide(input({ objected: true, purpose: { legalBasis: 'legitimate_interests' } })).reason).toBe('objection');
    });
    it('objection over consent_granted', () => {
      expect(decide(input({ objected: true, consents: [consent()] })).reason).toBe('objection');
    });
    it('legal_basis over any consent state (no consent needed)', () => {
      for (const c of [consent({ status: 'withdrawn' }), consent({ status: 'pending' }), consent({ expiresAt: past }), consent({ recipientIds: [R2] })]) {
        expect(decide(input({ purpose: { legalBasis: 'contract' }, consents: [c] })).reason).toBe('legal_basis');
      }
    });
    it('consent_granted over withdrawn, expired, pending and uncovering consents', () => {
      const live = consent({ obtainedAt: new Date('2025-01-01T00:00:00Z') });
      const others = [
        consent({ status: 'withdrawn', obtainedAt: new Date('2026-02-01T00:00:00Z') }),
        consent({ expiresAt: past }),
        consent({ status: 'pending' }),
        consent({ recipientIds: [R2] }),
      ];
      expect(decide(input({ consents: [...others, live] }))).toMatchObject({ allowed: true, reason: 'consent_granted', consentId: live.id });
    });
    it('the newest live consent is the one named', () => {
      const older = consent({ obtainedAt: new Date('2025-01-01T00:00:00Z') });
      const newer = consent({ obtainedAt: new Date('2026-03-01T00:00:00Z'), expiresAt: future });
      expect(decide(input({ consents: [older, newer] })).consentId).toBe(newer.id);
    });
    it('consent_withdrawn over consent_expired', () => {
      expect(decide(input({ consents: [consent({ expiresAt: past }), consent({ status: 'withdrawn' })] })).reason).toBe('consent_withdrawn');
    });
    it('consent_withdrawn over consent_pending', () => {
      expect(decide(input({ consents: [consent({ status: 'pending' }), consent({ status: 'withdrawn' })] })).reason).toBe('consent_withdrawn');
    });
    it('consent_withdrawn over recipient_not_covered', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2] }), consent({ status: 'withdrawn' })] })).reason).toBe('consent_withdrawn');
    });
    it('consent_expired over consent_pending', () => {
      expect(decide(input({ consents: [consent({ status: 'pending' }), consent({ expiresAt: past })] })).reason).toBe('consent_expired');
    });
    it('consent_expired over recipient_not_covered', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2] }), consent({ expiresAt: past })] })).reason).toBe('consent_expired');
    });
    it('consent_pending over recipient_not_covered', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2] }), consent({ status: 'pending' })] })).reason).toBe('consent_pending');
    });
    it('recipient_not_covered over no_consent', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2], status: 'withdrawn' })] })).reason).toBe('recipient_not_covered');
    });
    it('a withdrawn consent for another recipient does not explain this one', () => {
      expect(decide(input({ consents: [consent({ recipientIds: [R2], status: 'withdrawn' }), consent({ recipientIds: [R1] })] })).reason).toBe('consent_granted');
    });
    it('a pending consent past its expiry is expired', () => {
      expect(decide(input({ consents: [consent({ status: 'pending', expiresAt: past })] })).reason).toBe('consent_expired');
    });
  });
});
