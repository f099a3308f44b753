import { addWorkingDays } from './working-days.js';

describe('addWorkingDays', () => {
  it('should skip Saturday and Sunday', () => {
    // 2026-11-20 is a Friday.
    expect(addWorkingDays(new Date('2026-11-20T10:00:00Z'), 3).toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });
  it('should count from a weekend day to the next working days', () => {
    expect(addWorkingDays(new Date('2026-11-21T09:30:00Z'), 1).toISOString()).toBe('2026-11-23T09:30:00.000Z');
    expect(addWorkingDays(new Date('2026-11-22T09:30:00Z'), 3).toISOString()).toBe('2026-11-25T09:30:00.000Z');
  });
  it('should stay within the week when no weekend is crossed', () => {
    expect(addWorkingDays(new Date('2026-11-16T08:00:00Z'), 3).toISOString()).toBe('2026-11-19T08:00:00.000Z');
  });
  it('should return the same instant for zero days', () => {
    expect(addWorkingDays(new Date('2026-11-21T08:00:00Z'), 0).toISOString()).toBe('2026-11-21T08:00:00.000Z');
  });
});
