/**
 * timestamptz text as PostgreSQL writes it in UTC (`2026-11-30 07:00:00.123456+00`) turned into what
 * `new Date(<pg's parse of it>).toISOString()` gives (pg truncates to the millisecond: `1000 * parseFloat(fraction)`
 * handed to `Date.UTC`), without building the Date. Any other form (another time zone, BC, infinity) answers
 * undefined: the caller parses it the usual way.
 */
const PG_UTC = /^([1-9]\d{3}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?\+00$/;
export function isoFromPgUtc(text: string): string | undefined {
  const m = PG_UTC.exec(text);
  if (!m) return undefined;
  const ms = m[3] ? Math.trunc(1000 * parseFloat(m[3])) : 0;
  return `${m[1]}T${m[2]}.${String(ms).padStart(3, '0')}Z`;
}
