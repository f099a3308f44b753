import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface EventSummaryRow {
  name: string;
  contacts_met: number;
  interactions: number;
  open: number;
  late: number;
  done: number;
  cancelled: number;
}

/**
 * Contacts met, interactions logged, follow-ups open, late and done: one read-only SQL statement over the event and
 * the engagement tables of interactions/ and follow-ups/. Undefined for an unknown event.
 */
export async function eventSummary(m: EntityManager, id: string): Promise<EventSummaryRow | undefined> {
  const [r] = await queryRows<EventSummaryRow>(
    m,
    `SELECT e.name,
            (SELECT count(DISTINCT ic.contact_id)::int FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id
              WHERE i.event_id = e.id AND i.archived_at IS NULL) AS contacts_met,
            (SELECT count(*)::int FROM interactions i WHERE i.event_id = e.id AND i.archived_at IS NULL) AS interactions,
            count(f.id) FILTER (WHERE f.status = 'open')::int AS open,
            count(f.id) FILTER (WHERE f.status = 'open' AND f.due_at < now())::int AS late,
            count(f.id) FILTER (WHERE f.status = 'done')::int AS done,
            count(f.id) FILTER (WHERE f.status = 'cancelled')::int AS cancelled
       FROM events e LEFT JOIN follow_ups f ON f.event_id = e.id
      WHERE e.id = $1
      GROUP BY e.id`,
    [id],
  );
  return r;
}
