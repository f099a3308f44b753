/**
 * The consent gate's decision: ONE pure function, no I/O, no clock of its own.
 *
 * Precedence (first matching row wins):
 *  1. the contact does not exist                          → unknown_contact      (denied)
 *  2. the contact was erased (Art. 17)                     → contact_erased       (denied)
 *  3. the contact objected to the purpose (Art. 21)        → objection            (denied, whatever the basis)
 *  4. the purpose's legal basis is not `consent`           → legal_basis          (allowed, no consent needed)
 *  5. a live consent covers the recipient                  → consent_granted      (allowed; the newest such consent)
 *     live = status granted and (no expiresAt or expiresAt > now); covers = no recipientIds, or recipientId ∈ recipientIds
 *  Otherwise denied; among the consents that cover the recipient:
 *  6. one was withdrawn                                    → consent_withdrawn
 *  7. one expired (expiresAt <= now: the boundary instant counts as expired) → consent_expired
 *  8. one is pending (double opt-in not confirmed)         → consent_pending
 *  9. no consent covers the recipient, but one exists for the purpose → recipient_not_covered
 * 10. no consent record at all for the purpose             → no_consent
 */

export const DECISION_REASONS = [
  'consent_granted',
  'legal_basis',
  'no_consent',
  'consent_pending',
  'consent_withdrawn',
  'consent_expired',
  'objection',
  'recipient_not_covered',
  'contact_erased',
  'unknown_contact',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface DecisionContact {
  exists: boolean;
  erased: boolean;
}

export interface DecisionConsent {
  id: string;
  status: 'pending' | 'granted' | 'withdrawn';
  /** null or empty: every recipient. */
  recipientIds: readonly string[] | null;
  obtainedAt: Date;
  expiresAt: Date | null;
}

export interface DecisionInput {
  contact: DecisionContact;
  purpose: { legalBasis: string };
  recipientId: string;
  /** The contact's consents for this purpose (any order). */
  consents: readonly DecisionConsent[];
  /** Whether the contact objected to this purpose. */
  objected: boolean;
  now: Date;
}

export interface Decision {
  allowed: boolean;
  /** The Art. 6(1) basis that allowed it (`consent` or the purpose's basis); null when denied. */
  legalBasis: string | null;
  /** The consent that allowed it; null otherwise. */
  consentId: string | null;
  reason: DecisionReason;
}

const deny = (reason: DecisionReason): Decision => ({ allowed: false, legalBasis: null, consentId: null, reason });

export const covers = (c: Pick<DecisionConsent, 'recipientIds'>, recipientId: string): boolean =>
  !c.recipientIds || c.recipientIds.length === 0 || c.recipientIds.includes(recipientId);

export const isExpired = (c: Pick<DecisionConsent, 'expiresAt'>, now: Date): boolean =>
  c.expiresAt !== null && c.expiresAt.getTime() <= now.getTime();

/** The status a client sees: withdrawn stays withdrawn; otherwise `expired` once expiresAt <= now (pending too); else stored. */
export function effectiveStatus(c: Pick<DecisionConsent, 'status' | 'expiresAt'>, now: Date): 'pending' | 'granted' | 'withdrawn' | 'expired' {
  if (c.status === 'withdrawn') return 'withdrawn';
  if (isExpired(c, now)) return 'expired';
  return c.status;
}

export function decide(input: DecisionInput): Decision {
  const { contact, purpose, recipientId, consents, objected, now } = input;
  if (!contact.exists) return deny('unknown_contact');
  if (contact.erased) return deny('contact_erased');
  if (objected) return deny('objection');
  if (purpose.legalBasis !== 'consent') {
    return { allowed: true, legalBasis: purpose.legalBasis, consentId: null, reason: 'legal_basis' };
  }
  let withdrawn = false;
  let expired = false;
  let pending = false;
  let live: DecisionConsent | undefined;
  for (const c of consents) {
    if (!covers(c, recipientId)) continue;
    const status = effectiveStatus(c, now);
    if (status === 'granted') {
      if (!live || c.obtainedAt.getTime() > live.obtainedAt.getTime()) live = c;
    } else if (status === 'withdrawn') withdrawn = true;
    else if (status === 'expired') expired = true;
    else pending = true;
  }
  if (live) return { allowed: true, legalBasis: 'consent', consentId: live.id, reason: 'consent_granted' };
  if (withdrawn) return deny('consent_withdrawn');
  if (expired) return deny('consent_expired');
  if (pending) return deny('consent_pending');
  return deny(consents.length > 0 ? 'recipient_not_covered' : 'no_consent');
}
