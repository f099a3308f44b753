import { strengthScore } from './strength.js';

describe('strengthScore', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

  it('should count an interaction today as 1 and one 90 days ago as 1/e', () => {
    expect(strengthScore([now], now)).toBe(1);
    expect(strengthScore([daysAgo(90)], now)).toBeCloseTo(Math.exp(-1), 3);
  });
  it('should rank two recent meetings above five old ones', () => {
    const recent = strengthScore([daysAgo(1), daysAgo(10)], now);
    const old = strengthScore([400, 410, 420, 430, 440].map(daysAgo), now);
    expect(recent).toBeGreaterThan(old);
  });
  it('should not let future-dated interactions count more than 1', () => {
    expect(strengthScore([new Date(now.getTime() + 5 * 86_400_000)], now)).toBe(1);
  });
});
