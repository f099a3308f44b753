/** The longest gap between two attempts of one delivery. */
export const MAX_RETRY_DELAY_MS = 6 * 3600 * 1000;

/**
 * Exponential back-off with jitter: the n-th failed attempt (1-based) waits about `base · 2^(n-1)`,
 * at most 6 h, drawn uniformly from [75 %, 100 %] of that value so that recipients coming back from an
 * outage are not hit by every queued delivery at the same instant.
 * With the default base of 30 s: ~30 s, 1 min, 2 min, 4 min … 4 h 16 min, then every 6 h until the
 * retry window (72 h by default) is over.
 */
export function retryDelayMs(
  failedAttempts: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  const exp = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(n - 1, 40));
  return Math.max(1, Math.round(exp * (0.75 + 0.25 * random())));
}
