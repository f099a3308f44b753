/**
 * GDPR Art. 12(3): a data-subject request is answered "within one month of receipt", extendable "by two further
 * months". A calendar month after a date is the same day (and time of day) of the next month, or that month's last
 * day when it is shorter (31 January → 28 or 29 February). Pure, over UTC: no clock, no time zone.
 */
export function addCalendarMonths(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

/** One calendar month after receipt. */
export const dueAtFor = (receivedAt: Date): Date => addCalendarMonths(receivedAt, 1);

/**
 * After the one extension (contract: "`extended` moves `dueAt` two months further, once"): two calendar months after
 * the due date it had, by the same rule (a request received on 31 January, due on 28 February, is then due on
 * 28 April).
 */
export const extendedDueAt = (dueAt: Date): Date => addCalendarMonths(dueAt, 2);
