/**
 * The consent gate's decision: ONE pure function, no I/O, no clock of its own.
 *
 * Precedence (first matching row wins):
 *  1. the contact does not exist                          → unknown_contact      (denied)
 *  2. the contact was erased (Art. 17)                     → contact_erased       (denied)
 *  3. the contact objected to the purpose (Art. 21)        → objection            (denied, whatever the basis)
 *  4. the purpose's basis is `legitimate_interests`       → legal_basis          (allowed for every contact, no record needed)
 *  5. the purpose's basis is `contract`, `legal_obligation`, `vital_interests` or `public_task` (a PERSONAL basis):
 *     5a. a live basis is recorded for this person and purpose → legal_basis      (allowed)
 *         live = not ended and validFrom <= now and (no validUntil or validUntil > now: the boundary instant has ended)
 *     5b. otherwise (none recorded, ended, not yet valid, lapsed) → no_basis       (denied)
 *  For a purpose whose basis is `consent`:
 *  6. a live consent covers the recipient                  → consent_granted      (allowed; the newest such consent)
 *     live = status granted and (no expiresAt or expiresAt > now); covers = no recipientIds, or recipientId ∈ recipientIds
 *  Otherwise denied; among the consents that cover the recipient:
 *  7. one was withdrawn                                    → consent_withdrawn
 *  8. one expired (expiresAt <= now: the boundary instant counts as expired) → consent_expired
 *  9. one is pending (double opt-in not confirmed)         → consent_pending
 * 10. no consent covers the recipient, but one exists for the purpose → recipient_not_covered
 * 11. no consent record at all for the purpose             → no_consent
 */

export const DECISION_REASONS = [
  'consent_granted',
  'legal_basis',
  'no_consent',
  'no_basis',
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

/** A legal basis recorded for one person and purpose (table legal_bases): e.g. the contract with them. */
export interface DecisionBasis {
  id: string;
  validFrom: Date;
  validUntil: Date | null;
  endedAt: Date | null;
}

/** Bases that need a record per person; `legitimate_interests` applies to everyone unless objected, `consent` has consents. */
export const PERSONAL_BASES: readonly string[] = ['contract', 'legal_obligation', 'vital_interests', 'public_task'];

/** What the gate must read for a purpose of this basis: its consents, its per-person bases, or nothing more. */
export const gateMode = (legalBasis: string): 'consents' | 'bases' | 'none' =>
  legalBasis === 'consent' ? 'consents' : PERSONAL_BASES.includes(legalBasis) ? 'bases' : 'none';

/** Live: not ended, already valid, not lapsed (validUntil is exclusive: at that instant the basis has ended). */
export const isLiveBasis = (b: DecisionBasis, now: Date): boolean =>
  b.endedAt === null && b.validFrom.getTime() <= now.getTime() && (b.validUntil === null || b.validUntil.getTime() > now.getTime());

export interface DecisionInput {
  contact: DecisionContact;
  purpose: { legalBasis: string };
  recipientId: string;
  /** The contact's consents for this purpose (any order). */
  consents: readonly DecisionConsent[];
  /** Whether the contact objected to this purpose. */
  objected: boolean;
  /** The contact's recorded legal bases for this purpose (read for PERSONAL_BASES only; absent: none). */
  bases?: readonly DecisionBasis[];
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
  const mode = gateMode(purpose.legalBasis);
  if (mode === 'bases') {
    if (!(input.bases ?? []).some((b) => isLiveBasis(b, now))) return deny('no_basis');
    return { allowed: true, legalBasis: purpose.legalBasis, consentId: null, reason: 'legal_basis' };
  }
  if (mode === 'none') {
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
