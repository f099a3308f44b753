import { DAY_MS, RetentionConsentFacts, retentionDecision, RetentionFacts } from './retention-rule.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAYS = 730;
const policy = { now: NOW, daysNoBasis: DAYS };
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY_MS);

/** A contact last touched 1,000 days ago, with nothing else: due since 270 days. */
function contact(over: Partial<RetentionFacts> = {}): RetentionFacts {
  return {
    contactId: '00000000-0000-4000-8000-000000000001',
    createdAt: daysAgo(1200),
    updatedAt: daysAgo(1000),
    lastInteractionAt: null,
    erasedAt: null,
    mergedIntoId: null,
    consents: [],
    bases: [],
    ...over,
  };
}

function consent(over: Partial<RetentionConsentFacts> = {}): RetentionConsentFacts {
  return { status: 'granted', method: 'web_form', confirmedAt: null, expiresAt: null, withdrawnAt: null, retentionDays: null, ...over };
}

describe('retentionDecision (fixed clock)', () => {
  it('no consent, no basis, inactive for longer than RETENTION_DAYS_NO_BASIS: due since activity + days', () => {
    expect(retentionDecision(contact(), policy)).toEqual({ due: true, reason: 'no_activity', dueSince: daysAgo(1000 - DAYS) });
  });

  describe('activity is the latest of creation, last change and last interaction', () => {
    it('created recently: not due', () => {
      const f = contact({ createdAt: daysAgo(100), updatedAt: daysAgo(100) });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'not_yet' });
    });
    it('changed recently: not due', () => {
      expect(retentionDecision(contact({ updatedAt: daysAgo(729) }), policy)).toEqual({ due: false, why: 'not_yet' });
    });
    it('recent interaction: not due', () => {
      expect(retentionDecision(contact({ lastInteractionAt: daysAgo(10) }), policy)).toEqual({ due: false, why: 'not_yet' });
    });
    it('an old interaction does not help', () => {
      expect(retentionDecision(contact({ lastInteractionAt: daysAgo(900) }), policy)).toMatchObject({ due: true, dueSince: daysAgo(900 - DAYS) });
    });
    it('exactly RETENTION_DAYS_NO_BASIS days: due from that instant', () => {
      expect(retentionDecision(contact({ updatedAt: daysAgo(DAYS) }), policy)).toEqual({ due: true, reason: 'no_activity', dueSince: NOW });
      const justBefore = new Date(daysAgo(DAYS).getTime() + 1);
      expect(retentionDecision(contact({ updatedAt: justBefore }), policy).due).toBe(false);
    });
    it('RETENTION_DAYS_NO_BASIS is read from the policy', () => {
      expect(retentionDecision(contact(), { now: NOW, daysNoBasis: 2000 }).due).toBe(false);
      expect(retentionDecision(contact({ createdAt: NOW, updatedAt: NOW }), { now: NOW, daysNoBasis: 0 }).due).toBe(true);
    });
  });

  describe('contact state', () => {
    it('erased: not listed', () => {
      expect(retentionDecision(contact({ erasedAt: daysAgo(1) }), policy)).toEqual({ due: false, why: 'erased' });
    });
    it('merged into another: not listed', () => {
      expect(retentionDecision(contact({ mergedIntoId: 'x' }), policy)).toEqual({ due: false, why: 'merged' });
    });
    it('archived contacts count (archiving is not a field here: same facts, same answer)', () => {
      expect(retentionDecision(contact(), policy).due).toBe(true);
    });
  });

  describe('consents', () => {
    it('a live consent without end keeps the contact, however old', () => {
      expect(retentionDecision(contact({ consents: [consent()] }), policy)).toEqual({ due: false, why: 'live_consent' });
    });
    it('a live consent with a future expiry keeps the contact', () => {
      const f = contact({ consents: [consent({ expiresAt: new Date(NOW.getTime() + 1) })] });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'live_consent' });
    });
    it('withdrawn, retention passed: due, since the later of inactivity and end + retentionDays', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(400), retentionDays: 30 })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'no_activity', dueSince: daysAgo(270) });
    });
    it('withdrawn, retention not passed yet: not due', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(20), retentionDays: 30 })] });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'not_yet' });
    });
    it('withdrawn, retention passed after the inactivity period: reason consent_retention_passed', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(100), retentionDays: 90 })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'consent_retention_passed', dueSince: daysAgo(10) });
    });
    it('expired: the end is expiresAt', () => {
      const f = contact({ consents: [consent({ expiresAt: daysAgo(100), retentionDays: 95 })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'consent_retention_passed', dueSince: daysAgo(5) });
      const g = contact({ consents: [consent({ expiresAt: daysAgo(100), retentionDays: 101 })] });
      expect(retentionDecision(g, policy).due).toBe(false);
    });
    it('expired, then withdrawn: the end is whichever came first', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', expiresAt: daysAgo(100), withdrawnAt: daysAgo(10), retentionDays: 95 })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'consent_retention_passed', dueSince: daysAgo(5) });
    });
    it('a purpose without retentionDays sets no period: due once the consent ended (and the contact is inactive)', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(1), retentionDays: null })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'consent_retention_passed', dueSince: daysAgo(1) });
    });
    it('every purpose must have its retention passed: one still running keeps the contact', () => {
      const f = contact({
        consents: [
          consent({ status: 'withdrawn', withdrawnAt: daysAgo(500), retentionDays: 10 }),
          consent({ expiresAt: daysAgo(50), retentionDays: 60 }),
        ],
      });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'not_yet' });
    });
    it('one live consent among ended ones keeps the contact', () => {
      const f = contact({ consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(500) }), consent()] });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'live_consent' });
    });
    it('a pending consent neither keeps nor delays', () => {
      const f = contact({ consents: [consent({ status: 'pending', method: 'email_double_opt_in' })] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'no_activity', dueSince: daysAgo(270) });
    });
    it('a double opt-in withdrawn before confirmation was never given: no retention period', () => {
      const f = contact({
        consents: [consent({ status: 'withdrawn', method: 'email_double_opt_in', withdrawnAt: daysAgo(5), retentionDays: 365 })],
      });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'no_activity', dueSince: daysAgo(270) });
    });
    it('a confirmed double opt-in, withdrawn: its retention applies', () => {
      const f = contact({
        consents: [
          consent({ status: 'withdrawn', method: 'email_double_opt_in', confirmedAt: daysAgo(400), withdrawnAt: daysAgo(5), retentionDays: 365 }),
        ],
      });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'not_yet' });
    });
  });

  describe('recorded bases', () => {
    it('a live basis keeps the contact', () => {
      expect(retentionDecision(contact({ bases: [{ validUntil: null, endedAt: null }] }), policy)).toEqual({ due: false, why: 'live_basis' });
    });
    it('a basis valid until a future date keeps the contact', () => {
      const f = contact({ bases: [{ validUntil: new Date(NOW.getTime() + DAY_MS), endedAt: null }] });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'live_basis' });
    });
    it('an ended basis does not; the contact is due from its end at the earliest', () => {
      const f = contact({ bases: [{ validUntil: null, endedAt: daysAgo(3) }] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'basis_ended', dueSince: daysAgo(3) });
    });
    it('a basis whose validUntil passed has ended then', () => {
      const f = contact({ bases: [{ validUntil: daysAgo(300), endedAt: null }] });
      expect(retentionDecision(f, policy)).toEqual({ due: true, reason: 'no_activity', dueSince: daysAgo(270) });
    });
    it('a live basis wins over ended consents', () => {
      const f = contact({
        consents: [consent({ status: 'withdrawn', withdrawnAt: daysAgo(900) })],
        bases: [{ validUntil: null, endedAt: null }],
      });
      expect(retentionDecision(f, policy)).toEqual({ due: false, why: 'live_basis' });
    });
  });
});
