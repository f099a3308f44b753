import { MAX_RETRY_DELAY_MS, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('should double the delay per failed attempt', () => {
    const top = () => 1;
    expect(retryDelayMs(1, 30_000, top)).toBe(30_000);
    expect(retryDelayMs(2, 30_000, top)).toBe(60_000);
    expect(retryDelayMs(5, 30_000, top)).toBe(480_000);
  });

  it('should jitter down to three quarters of the delay', () => {
    expect(retryDelayMs(3, 1000, () => 0)).toBe(3000);
    const samples = Array.from({ length: 200 }, () => retryDelayMs(3, 1000));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(3000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(4000);
    expect(new Set(samples).size).toBeGreaterThan(1);
  });

  it('should never wait longer than the cap, even after many attempts', () => {
    expect(retryDelayMs(500, 30_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(0, 30_000, () => 1)).toBe(30_000);
  });

  it('should keep retrying for more than 24 hours with the default base before reaching the cap', () => {
    let total = 0;
    let n = 0;
    while (total < 24 * 3600 * 1000) total += retryDelayMs(++n, 30_000, () => 0);
    expect(n).toBeGreaterThan(10);
  });
});
