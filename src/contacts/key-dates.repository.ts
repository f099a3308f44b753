import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface UpcomingKeyDateRow {
  contact_id: string;
  /** The key date's position in the contact's list (1-based): with the contact and the day, the page's key. */
  ord: string;
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
   * within `withinDays` days (both ends included), soonest first: one page (`limit + 1` rows) after `after`. Same
   * rule as `nextOccurrence` in key-dates.ts.
   */
  upcoming(
    m: EntityManager,
    today: string,
    withinDays: number,
    limit: number,
    after?: { day: string; contactId: string; ord: number },
  ): Promise<UpcomingKeyDateRow[]> {
    const params: unknown[] = [today, Number(today.slice(0, 4)), withinDays];
    const keyset = after
      ? `AND (n.next, k.contact_id, k.ord) > ($${params.push(after.day)}::date, $${params.push(after.contactId)}::uuid, $${params.push(after.ord)}::bigint)`
      : '';
    return queryRows<UpcomingKeyDateRow>(
      m,
      `WITH k AS (
         SELECT c.id AS contact_id, x.ord, x.e->>'kind' AS kind, x.e->>'date' AS date, x.e->>'label' AS label,
                substr(right(x.e->>'date', 5), 1, 2)::int AS m, substr(right(x.e->>'date', 5), 4, 2)::int AS d
           FROM contacts c CROSS JOIN LATERAL jsonb_array_elements(c.key_dates) WITH ORDINALITY AS x(e, ord)
          WHERE c.key_dates <> '[]'::jsonb AND c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
       )
       SELECT k.contact_id, k.ord::text AS ord, k.kind, k.date, k.label, n.next::text AS next_occurrence
         FROM k CROSS JOIN LATERAL (
           SELECT min(o.day) AS next FROM (
             SELECT ${occurrenceIn('y.y')} AS day FROM (VALUES ($2::int), ($2::int + 1)) AS y(y)
           ) o WHERE o.day >= $1::date
         ) n
        WHERE n.next <= $1::date + $3::int ${keyset}
        ORDER BY n.next, k.contact_id, k.ord
        LIMIT ${Number(limit) + 1}`,
      params,
    );
  }
}
