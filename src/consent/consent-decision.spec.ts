import { decide, DecisionBasis, DecisionConsent, DecisionInput, effectiveStatus, gateMode, isLiveBasis } from './consent-decision.js';

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
const PERSONAL = ['contract', 'legal_obligation', 'vital_interests', 'public_task'];
const basisOf = (over: Partial<DecisionBasis> = {}): DecisionBasis => ({
  id: `b${++n}`,
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: null,
  endedAt: null,
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
    it('legal_basis for legitimate_interests without any record', () => {
      expect(decide(input({ purpose: { legalBasis: 'legitimate_interests' } }))).toEqual({ allowed: true, legalBasis: 'legitimate_interests', consentId: null, reason: 'legal_basis' });
    });
    it('legal_basis for every personal basis with a live basis recorded', () => {
      for (const basis of PERSONAL) {
        expect(decide(input({ purpose: { legalBasis: basis }, bases: [basisOf()] }))).toEqual({ allowed: true, legalBasis: basis, consentId: null, reason: 'legal_basis' });
      }
    });
    it('no_basis for every personal basis without a basis recorded', () => {
      for (const basis of PERSONAL) {
        expect(decide(input({ purpose: { legalBasis: basis } }))).toEqual({ allowed: false, legalBasis: null, consentId: null, reason: 'no_basis' });
        expect(decide(input({ purpose: { legalBasis: basis }, bases: [] })).reason).toBe('no_basis');
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
        expect(decide(input({ purpose: { legalBasis: 'legitimate_interests' }, consents: [c] })).reason).toBe('legal_basis');
        expect(decide(input({ purpose: { legalBasis: 'contract' }, consents: [c], bases: [basisOf()] })).reason).toBe('legal_basis');
      }
    });
    it('objection over a live recorded basis', () => {
      expect(decide(input({ objected: true, purpose: { legalBasis: 'contract' }, bases: [basisOf()] })).reason).toBe('objection');
    });
    it('contact_erased over a live recorded basis, and over no_basis', () => {
      expect(decide(input({ contact: { exists: true, erased: true }, purpose: { legalBasis: 'contract' }, bases: [basisOf()] })).reason).toBe('contact_erased');
      expect(decide(input({ contact: { exists: true, erased: true }, purpose: { legalBasis: 'public_task' } })).reason).toBe('contact_erased');
    });
    it('unknown_contact over no_basis', () => {
      expect(decide(input({ contact: { exists: false, erased: false }, purpose: { legalBasis: 'contract' } })).reason).toBe('unknown_contact');
    });
    it('a granted consent does not stand in for a missing personal basis (no_basis)', () => {
      expect(decide(input({ purpose: { legalBasis: 'contract' }, consents: [consent()] })).reason).toBe('no_basis');
    });
    it('one live basis among ended and lapsed ones allows', () => {
      const bases = [basisOf({ endedAt: past }), basisOf({ validUntil: past }), basisOf()];
      expect(decide(input({ purpose: { legalBasis: 'legal_obligation' }, bases })).reason).toBe('legal_basis');
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

  describe('recorded bases (contract, legal_obligation, vital_interests, public_task)', () => {
    it('an ended basis does not allow (no_basis)', () => {
      expect(decide(input({ purpose: { legalBasis: 'contract' }, bases: [basisOf({ endedAt: past })] })).reason).toBe('no_basis');
    });
    it('a basis not yet valid does not allow (no_basis); validFrom == now is valid', () => {
      expect(decide(input({ purpose: { legalBasis: 'contract' }, bases: [basisOf({ validFrom: future })] })).reason).toBe('no_basis');
      expect(decide(input({ purpose: { legalBasis: 'contract' }, bases: [basisOf({ validFrom: new Date(NOW) })] })).reason).toBe('legal_basis');
    });
    it('a lapsed basis does not allow; validUntil == now has lapsed, one millisecond later is live', () => {
      expect(decide(input({ purpose: { legalBasis: 'vital_interests' }, bases: [basisOf({ validUntil: past })] })).reason).toBe('no_basis');
      expect(decide(input({ purpose: { legalBasis: 'vital_interests' }, bases: [basisOf({ validUntil: new Date(NOW) })] })).reason).toBe('no_basis');
      expect(decide(input({ purpose: { legalBasis: 'vital_interests' }, bases: [basisOf({ validUntil: new Date(NOW.getTime() + 1) })] })).reason).toBe('legal_basis');
    });
    it('bases are ignored for consent and legitimate_interests purposes', () => {
      expect(decide(input({ bases: [basisOf()] })).reason).toBe('no_consent');
      expect(decide(input({ purpose: { legalBasis: 'legitimate_interests' }, bases: [basisOf({ endedAt: past })] })).reason).toBe('legal_basis');
    });
    it('isLiveBasis and gateMode', () => {
      expect(isLiveBasis(basisOf(), NOW)).toBe(true);
      expect(isLiveBasis(basisOf({ endedAt: future }), NOW)).toBe(false);
      expect(gateMode('consent')).toBe('consents');
      expect(gateMode('legitimate_interests')).toBe('none');
      for (const b of PERSONAL) expect(gateMode(b)).toBe('bases');
    });
  });
});
