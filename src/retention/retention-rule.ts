/**
 * The retention rule (contract, "Compliance"), as a pure function of what is held on one contact and a clock.
 * retention.query.ts states the same rule in set-based SQL; retention-rule.agreement e2e keeps the two in agreement.
 *
 * A contact is due for erasure when ALL of these hold at `now`:
 *  1. it is neither erased nor merged into another contact (archived contacts count);
 *  2. it has no live consent: none `granted` and unexpired (a consent without `expiresAt` that was never withdrawn
 *     is live for ever, so it keeps the contact);
 *  3. it has no recorded basis that has not ended: a basis counts while it is not ended and its `validUntil` (if
 *     any) is in the future — a basis that only starts later (`validFrom` in the future) keeps the contact too,
 *     since erasing the person would defeat the contract recorded for them;
 *  4. no activity for `daysNoBasis` days: activity is the latest of its creation, its last change (`updated_at`)
 *     and its last interaction;
 *  5. every consent it ever gave (granted at some point: not a double opt-in that was never confirmed) has ended
 *     (withdrawn or expired, whichever came first) at least its purpose's `retentionDays` ago. A purpose without
 *     `retentionDays` sets no period of its own: its consents satisfy this clause as soon as they ended (the
 *     inactivity period of clause 4 still applies).
 * Pending consents never allowed anything and neither keep nor delay the erasure.
 *
 * `dueSince` is the moment the last of these clauses became true: the latest of (activity + daysNoBasis), each
 * ended consent's end + its purpose's retention, and each basis's end. `reason` names that clause:
 * `consent_retention_passed`, `basis_ended` or `no_activity` (checked in this order when instants tie).
 * Days are 24-hour days.
 */

export const DAY_MS = 24 * 3600 * 1000;

export const RETENTION_REASONS = ['no_activity', 'consent_retention_passed', 'basis_ended'] as const;
export type RetentionReason = (typeof RETENTION_REASONS)[number];

export interface RetentionConsentFacts {
  status: 'pending' | 'granted' | 'withdrawn';
  method: string;
  confirmedAt: Date | null;
  expiresAt: Date | null;
  withdrawnAt: Date | null;
  /** The purpose's retentionDays (null: the purpose sets none). */
  retentionDays: number | null;
}

export interface RetentionBasisFacts {
  validUntil: Date | null;
  endedAt: Date | null;
}

export interface RetentionFacts {
  contactId: string;
  createdAt: Date;
  updatedAt: Date;
  /** The latest interaction with the contact (null: none). */
  lastInteractionAt: Date | null;
  erasedAt: Date | null;
  mergedIntoId: string | null;
  consents: RetentionConsentFacts[];
  bases: RetentionBasisFacts[];
}

export interface RetentionPolicy {
  now: Date;
  /** RETENTION_DAYS_NO_BASIS */
  daysNoBasis: number;
}

export type RetentionDecision =
  | { due: false; why: 'erased' | 'merged' | 'live_consent' | 'live_basis' | 'not_yet' }
  | { due: true; reason: RetentionReason; dueSince: Date };

const t = (d: Date) => d.getTime();
const maxOf = (values: number[]): number | null => (values.length === 0 ? null : Math.max(...values));

/** Was this consent ever in force? A double opt-in that was never confirmed was not. */
export function everGranted(c: RetentionConsentFacts): boolean {
  if (c.status === 'pending') return false;
  return !(c.method === 'email_double_opt_in' && c.confirmedAt === null);
}

export function consentIsLive(c: RetentionConsentFacts, now: Date): boolean {
  return c.status === 'granted' && (c.expiresAt === null || t(c.expiresAt) > t(now));
}

/** When a consent that was in force stopped being so: withdrawal or expiry, whichever came first. */
export function consentEnd(c: RetentionConsentFacts): Date {
  const ends = [c.withdrawnAt, c.expiresAt].filter((d): d is Date => d !== null).map(t);
  return new Date(Math.min(...ends));
}

export function basisIsLive(b: RetentionBasisFacts, now: Date): boolean {
  return b.endedAt === null && (b.validUntil === null || t(b.validUntil) > t(now));
}

/** When a basis stopped: ended, or its validUntil passed, whichever came first. Only for bases that are not live. */
export function basisEnd(b: RetentionBasisFacts): Date {
  const ends = [b.endedAt, b.validUntil].filter((d): d is Date => d !== null).map(t);
  return new Date(Math.min(...ends));
}

export function lastActivity(f: Pick<RetentionFacts, 'createdAt' | 'updatedAt' | 'lastInteractionAt'>): Date {
  return new Date(Math.max(t(f.createdAt), t(f.updatedAt), f.lastInteractionAt ? t(f.lastInteractionAt) : -Infinity));
}

export function retentionDecision(f: RetentionFacts, policy: RetentionPolicy): RetentionDecision {
  const { now, daysNoBasis } = policy;
  if (f.erasedAt) return { due: false, why: 'erased' };
  if (f.mergedIntoId) return { due: false, why: 'merged' };
  const given = f.consents.filter(everGranted);
  if (given.some((c) => consentIsLive(c, now))) return { due: false, why: 'live_consent' };
  if (f.bases.some((b) => basisIsLive(b, now))) return { due: false, why: 'live_basis' };

  const inactiveFrom = t(lastActivity(f)) + daysNoBasis * DAY_MS;
  const retainedUntil = maxOf(given.map((c) => t(consentEnd(c)) + (c.retentionDays ?? 0) * DAY_MS));
  const basesEnded = maxOf(f.bases.map((b) => t(basisEnd(b))));
  const dueSince = Math.max(inactiveFrom, retainedUntil ?? -Infinity, basesEnded ?? -Infinity);
  if (dueSince > t(now)) return { due: false, why: 'not_yet' };
  const reason: RetentionReason =
    retainedUntil === dueSince ? 'consent_retention_passed' : basesEnded === dueSince ? 'basis_ended' : 'no_activity';
  return { due: true, reason, dueSince: new Date(dueSince) };
}
