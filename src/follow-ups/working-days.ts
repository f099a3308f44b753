const DAY_MS = 24 * 60 * 60 * 1000;

/** Saturday or Sunday (in UTC, the API's time zone). */
export const isWeekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;

/**
 * `days` working days (Monday–Friday, UTC) after `from`, keeping the time of day.
 * A follow-up for an interaction on Friday with 3 days is due on Wednesday; on Saturday, also Wednesday.
 */
export function addWorkingDays(from: Date, days: number): Date {
  let d = new Date(from.getTime());
  let added = 0;
  while (added < days) {
    d = new Date(d.getTime() + DAY_MS);
    if (!isWeekend(d)) added += 1;
  }
  return d;
}
