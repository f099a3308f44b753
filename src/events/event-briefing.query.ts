import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * Read-only SQL over an event's attendees (event_attendees, owned here) joined with the engagement tables of
 * interactions/ and follow-ups/ and the names of contacts/: the briefing before an event, the follow-through after
 * it, and whether interactions still point at an event. Each is ONE set-based statement whatever the number of
 * attendees (no query per attendee). Nothing here writes.
 */

/**
 * One interaction's weight in the relationship strength, the same expression as interactions/strength.ts
 * (strengthWeightSql: exp(-ageDays / 90), future-dated ones count 1), which is private to interactions/. In float8,
 * not numeric: exp() of a numeric is about ten times slower, which a briefing of 500 attendees notices.
 */
const STRENGTH_WEIGHT = `exp(-greatest(0, extract(epoch FROM (now() - l.occurred_at))::float8 / 86400.0) / 90.0)`;

export interface BriefingRow {
  contact_id: string;
  given_name: string;
  family_name: string;
  organisation_id: string | null;
  last_interaction_at: Date | null;
  open_follow_ups: number;
  known_by: { userId: string; lastInteractionAt: string; interactions: number; strength: number }[];
}

/**
 * Per attendee who is neither archived nor erased: the staff who authored or took part in a (not archived)
 * interaction with them (last time, how many, strength as GET /contacts/:id/relationships, strongest first), their
 * last interaction, and the open follow-ups about them (naming them, or of an interaction with them).
 */
export function briefingRows(m: EntityManager, eventId: string): Promise<BriefingRow[]> {
  // Every step goes from the attendees outward by index: per attendee (LATERAL … OFFSET 0), then for all their
  // interactions at once (= ANY of the ids, one sorted pass through the index). The CTEs' row estimates are poor,
  // and left to itself the planner hash-joins the whole of follow_ups' open rows and interaction_participants
  // instead of looking up the few thousand it needs.
  return queryRows<BriefingRow>(
    m,
    `WITH a AS MATERIALIZED (
       SELECT c.id AS contact_id, c.given_name, c.family_name, c.organisation_id
         FROM event_attendees ea JOIN contacts c ON c.id = ea.contact_id
        WHERE ea.event_id = $1 AND c.erased_at IS NULL AND c.archived_at IS NULL),
     ints AS MATERIALIZED (
       SELECT a.contact_id, x.id, x.occurred_at, x.author_id
         FROM a CROSS JOIN LATERAL (
           SELECT i.id, i.occurred_at, i.author_id
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id AND i.archived_at IS NULL
            WHERE ic.contact_id = a.contact_id OFFSET 0) x),
     ids AS (SELECT array_agg(ints.id) AS ids FROM ints),
     links AS (
       SELECT ints.contact_id, ints.author_id AS user_id, ints.id, ints.occurred_at FROM ints WHERE ints.author_id IS NOT NULL
       UNION
       SELECT ints.contact_id, p.user_id, ints.id, ints.occurred_at
         FROM interaction_participants p JOIN ints ON ints.id = p.interaction_id
        WHERE p.interaction_id = ANY ((SELECT ids.ids FROM ids)::uuid[])),
     known AS (
       SELECT l.contact_id, l.user_id, max(l.occurred_at) AS last, count(*)::int AS n,
              round(sum(${STRENGTH_WEIGHT})::numeric, 3)::float8 AS strength
         FROM links l GROUP BY l.contact_id, l.user_id),
     known_by AS (
       SELECT k.contact_id,
              json_agg(json_build_object('userId', k.user_id, 'lastInteractionAt', k.last, 'interactions', k.n, 'strength', k.strength)
                       ORDER BY k.strength DESC, k.last DESC, k.user_id) AS known_by
         FROM known k GROUP BY k.contact_id),
     last AS (SELECT ints.contact_id, max(ints.occurred_at) AS last FROM ints GROUP BY ints.contact_id),
     open_fu AS (
       SELECT x.contact_id, count(DISTINCT x.id)::int AS n FROM (
         SELECT a.contact_id, f.id
           FROM a CROSS JOIN LATERAL (SELECT f.id FROM follow_ups f WHERE f.contact_id = a.contact_id AND f.status = 'open' OFFSET 0) f
         UNION ALL
         SELECT ints.contact_id, f.id
           FROM follow_ups f JOIN ints ON ints.id = f.interaction_id
          WHERE f.interaction_id = ANY ((SELECT ids.ids FROM ids)::uuid[]) AND f.status = 'open') x
        GROUP BY x.contact_id)
     SELECT a.contact_id, a.given_name, a.family_name, a.organisation_id,
            last.last AS last_interaction_at,
            coalesce(open_fu.n, 0) AS open_follow_ups,
            coalesce(known_by.known_by, '[]'::json) AS known_by
       FROM a
       LEFT JOIN last ON last.contact_id = a.contact_id
       LEFT JOIN open_fu ON open_fu.contact_id = a.contact_id
       LEFT JOIN known_by ON known_by.contact_id = a.contact_id
      ORDER BY a.family_name, a.given_name, a.contact_id`,
    [eventId],
  );
}

export interface FollowThroughRow {
  contact_id: string;
  /** An interaction linked to the event with this attendee. */
  met: boolean;
  /** Follow-ups (not cancelled) of those interactions, and how many are done, done by their due date, open. */
  follow_ups: number;
  done: number;
  done_in_time: number;
  open: number;
  /** Any (not archived) interaction with the attendee since the event started. */
  contacted_since_start: boolean;
}

/** Per recorded attendee of the event (archived contacts too: they did attend), by contact id. */
export function followThroughRows(m: EntityManager, eventId: string, startsAt: Date): Promise<FollowThroughRow[]> {
  return queryRows<FollowThroughRow>(
    m,
    `WITH a AS (SELECT ea.contact_id FROM event_attendees ea WHERE ea.event_id = $1),
     ei AS (
       SELECT ic.contact_id, i.id
         FROM a JOIN interaction_contacts ic ON ic.contact_id = a.contact_id
         JOIN interactions i ON i.id = ic.interaction_id AND i.event_id = $1 AND i.archived_at IS NULL),
     fu AS (
       SELECT ei.contact_id,
              count(DISTINCT f.id)::int AS n,
              count(DISTINCT f.id) FILTER (WHERE f.status = 'done')::int AS done,
              count(DISTINCT f.id) FILTER (WHERE f.status = 'done' AND f.completed_at <= f.due_at)::int AS in_time,
              count(DISTINCT f.id) FILTER (WHERE f.status = 'open')::int AS open
         FROM ei JOIN follow_ups f ON f.interaction_id = ei.id AND f.status <> 'cancelled'
        GROUP BY ei.contact_id),
     since AS (
       SELECT DISTINCT ic.contact_id
         FROM a JOIN interaction_contacts ic ON ic.contact_id = a.contact_id
         JOIN interactions i ON i.id = ic.interaction_id AND i.archived_at IS NULL AND i.occurred_at >= $2)
     SELECT a.contact_id::text AS contact_id,
            EXISTS (SELECT 1 FROM ei WHERE ei.contact_id = a.contact_id) AS met,
            coalesce(fu.n, 0) AS follow_ups, coalesce(fu.done, 0) AS done, coalesce(fu.in_time, 0) AS done_in_time,
            coalesce(fu.open, 0) AS open,
            (since.contact_id IS NOT NULL) AS contacted_since_start
       FROM a LEFT JOIN fu ON fu.contact_id = a.contact_id LEFT JOIN since ON since.contact_id = a.contact_id
      ORDER BY a.contact_id`,
    [eventId, startsAt],
  );
}

/** Whether any interaction (archived ones too) is linked to the event: such an event cannot be deleted. */
export async function eventHasInteractions(m: EntityManager, eventId: string): Promise<boolean> {
  return (await queryRows(m, 'SELECT 1 FROM interactions WHERE event_id = $1 LIMIT 1', [eventId])).length > 0;
}
