/**
 * Key dates of a contact (birthday, anniversary, other): `date` is `MM-DD` (no year known) or `YYYY-MM-DD`.
 * The rule for the next occurrence lives here, pure; `KeyDatesRepository.upcoming` computes the same in SQL and the
 * unit tests and e2e tests hold both to the same cases.
 */

export const KEY_DATE_KINDS = ['birthday', 'anniversary', 'other'] as const;
export type KeyDateKind = (typeof KEY_DATE_KINDS)[number];
export const KEY_DATES_MAX = 20;
export const KEY_DATE_LABEL_MAX = 100;

export interface KeyDate {
  kind: KeyDateKind;
  date: string;
  label: string | null;
}

const KEY_DATE = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/;

export const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** Whether `s` is `MM-DD` (29 February allowed) or a real `YYYY-MM-DD` date (year 1000–9999). */
export function isValidKeyDate(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const m = KEY_DATE.exec(s);
  if (!m) return false;
  const year = m[1] === undefined ? undefined : Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year !== undefined && year < 1000) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  // Without a year, 29 February is a date (it occurs in leap years); with one, the year decides.
  return day <= daysIn(year ?? 2000, month);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The key date's day in `year` (`YYYY-MM-DD`): 29 February falls on 28 February in other years. */
export function occurrenceIn(date: string, year: number): string {
  const [, , mm, dd] = KEY_DATE.exec(date) ?? [];
  const month = Number(mm);
  let day = Number(dd);
  if (month === 2 && day === 29 && !isLeapYear(year)) day = 28;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The first occurrence on or after `today` (`YYYY-MM-DD`; today itself counts). */
export function nextOccurrence(date: string, today: string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = occurrenceIn(date, year);
  return thisYear >= today ? thisYear : occurrenceIn(date, year + 1);
}

/** `today` plus `days` (`YYYY-MM-DD`). */
export function addDays(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whether the key date's next occurrence lies within `withinDays` days of `today` (both ends included). */
export function isUpcoming(date: string, today: string, withinDays: number): boolean {
  return nextOccurrence(date, today) <= addDays(today, withinDays);
}

/** Today's date in UTC (`YYYY-MM-DD`): the calendar day key dates are counted from. */
export const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);

/** The stored form: trimmed label, null when empty. */
export function normaliseKeyDates(list: { kind: string; date: string; label?: string | null }[] | null | undefined): KeyDate[] {
  return (list ?? []).map((k) => ({
    kind: k.kind as KeyDateKind,
    date: k.date,
    label: k.label && k.label.trim() ? k.label.trim() : null,
  }));
}
