import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface UpcomingKeyDateRow {
  contact_id: string;
  kind: string;
  date: string;
  label: string | null;
  next_occurrence: string;
}

/** A key date's day in year `y` (SQL), 29 February on 28 February in other years — as `occurrenceIn` in key-dates.ts. */
const occurrenceIn = (y: string) =>
  `make_date(${y}, k.m, CASE WHEN k.m = 2 AND k.d = 29 AND NOT (${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0)) THEN 28 ELSE k.d END)`;

/** The key dates kept in `contacts.key_dates` (jsonb), read across contacts. */
@Injectable()
export class KeyDatesRepository {
  /**
   * Key dates of live contacts (not archived, erased or merged) whose next occurrence on or after `today` lies
   * within `withinDays` days (both ends included), soonest first. Same rule as `nextOccurrence` in key-dates.ts.
   */
  upcoming(m: EntityManager, today: string, withinDays: number): Promise<UpcomingKeyDateRow[]> {
    return queryRows<UpcomingKeyDateRow>(
      m,
      `WITH k AS (
         SELECT c.id AS contact_id, x.ord, x.e->>'kind' AS kind, x.e->>'date' AS date, x.e->>'label' AS label,
                substr(right(x.e->>'date', 5), 1, 2)::int AS m, substr(right(x.e->>'date', 5), 4, 2)::int AS d
           FROM contacts c CROSS JOIN LATERAL jsonb_array_elements(c.key_dates) WITH ORDINALITY AS x(e, ord)
          WHERE c.key_dates <> '[]'::jsonb AND c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
       )
       SELECT k.contact_id, k.kind, k.date, k.label, n.next::text AS next_occurrence
         FROM k CROSS JOIN LATERAL (
           SELECT min(o.day) AS next FROM (
             SELECT ${occurrenceIn('y.y')} AS day FROM (VALUES ($2::int), ($2::int + 1)) AS y(y)
           ) o WHERE o.day >= $1::date
         ) n
        WHERE n.next <= $1::date + $3::int
        ORDER BY n.next, k.contact_id, k.ord`,
      [today, Number(today.slice(0, 4)), withinDays],
    );
  }
}
