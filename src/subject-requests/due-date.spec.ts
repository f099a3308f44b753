import { addCalendarMonths, dueAtFor, extendedDueAt } from './due-date.js';

const d = (s: string) => new Date(s);

describe('dueAtFor (one calendar month after receipt, UTC)', () => {
  it.each([
    ['2026-03-15T10:30:00.000Z', '2026-04-15T10:30:00.000Z'],
    ['2026-01-31T09:00:00.000Z', '2026-02-28T09:00:00.000Z'],
    ['2028-01-31T09:00:00.000Z', '2028-02-29T09:00:00.000Z'],
    ['2026-01-29T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    ['2028-01-29T00:00:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', '2026-04-30T23:59:59.999Z'],
    ['2026-02-28T12:00:00.000Z', '2026-03-28T12:00:00.000Z'],
    ['2026-12-31T08:00:00.000Z', '2027-01-31T08:00:00.000Z'],
    ['2026-12-15T08:00:00.000Z', '2027-01-15T08:00:00.000Z'],
    ['2026-08-31T08:00:00.000Z', '2026-09-30T08:00:00.000Z'],
  ])('%s → %s', (received, due) => {
    expect(dueAtFor(d(received)).toISOString()).toBe(due);
  });

  it('does not depend on the local time zone (the day is the UTC day)', () => {
    expect(dueAtFor(d('2026-01-31T23:30:00.000Z')).toISOString()).toBe('2026-02-28T23:30:00.000Z');
    expect(dueAtFor(d('2026-02-01T00:30:00.000Z')).toISOString()).toBe('2026-03-01T00:30:00.000Z');
  });
});

describe('extendedDueAt (two calendar months after the due date it had)', () => {
  it.each([
    ['2026-03-15T10:30:00.000Z', '2026-06-15T10:30:00.000Z'],
    ['2026-01-31T09:00:00.000Z', '2026-04-28T09:00:00.000Z'], // due 28 February, then 28 April
    ['2026-11-30T09:00:00.000Z', '2027-02-28T09:00:00.000Z'], // due 30 December, then 28 February
    ['2026-10-31T09:00:00.000Z', '2027-01-30T09:00:00.000Z'], // due 30 November, then 30 January
    ['2027-12-31T09:00:00.000Z', '2028-03-31T09:00:00.000Z'], // due 31 January, then 31 March
  ])('received %s → %s', (received, due) => {
    expect(extendedDueAt(dueAtFor(d(received))).toISOString()).toBe(due);
  });
});

describe('addCalendarMonths', () => {
  it('adds across years and clamps', () => {
    expect(addCalendarMonths(d('2026-05-31T00:00:00.000Z'), 13).toISOString()).toBe('2027-06-30T00:00:00.000Z');
    expect(addCalendarMonths(d('2026-05-15T00:00:00.000Z'), 0).toISOString()).toBe('2026-05-15T00:00:00.000Z');
  });
});
