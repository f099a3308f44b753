/** Half-life-like scale of the relationship strength score, in days. */
export const STRENGTH_SCALE_DAYS = 90;

/**
 * Recency-weighted frequency: every interaction counts exp(-ageDays / 90), so one today counts 1,
 * one three months ago about 0.37, one a year ago about 0.02. Future-dated interactions count 1.
 * The SQL in the services computes the same sum; this function documents and unit-tests it.
 */
export function strengthScore(occurredAt: Date[], now: Date = new Date()): number {
  let sum = 0;
  for (const at of occurredAt) {
    const ageDays = Math.max(0, (now.getTime() - at.getTime()) / 86_400_000);
    sum += Math.exp(-ageDays / STRENGTH_SCALE_DAYS);
  }
  return Math.round(sum * 1000) / 1000;
}

/** The SQL expression of one interaction's weight (`occurred` names a timestamptz). */
export const strengthWeightSql = (occurred: string) =>
  `exp(-greatest(0, extract(epoch FROM (now() - ${occurred})) / 86400.0) / ${STRENGTH_SCALE_DAYS}.0)`;
