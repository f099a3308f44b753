import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * The engagement reports' SQL: read-only aggregates over the engagement tables (interactions/, follow-ups/,
 * events/, networks/) with the names and owners of contacts/, organisations/ and users/. Aggregated in PostgreSQL,
 * no rows are loaded into Node. reports/ owns no table.
 */

/** A report window: [from, to) on the due date (follow-ups) or the time of the interaction; null: open. */
export type ReportWindow = [from: Date | null, to: Date | null];

const COUNTS = `
  count(*) FILTER (WHERE f.status = 'open')::int AS open,
  count(*) FILTER (WHERE f.status = 'open' AND f.due_at < now())::int AS overdue,
  count(*) FILTER (WHERE f.status = 'done' AND f.completed_at <= f.due_at)::int AS done_on_time,
  count(*) FILTER (WHERE f.status = 'done' AND f.completed_at > f.due_at)::int AS done_late,
  count(*) FILTER (WHERE f.status = 'cancelled')::int AS cancelled,
  count(*)::int AS total`;

export interface CountRow {
  open: number;
  overdue: number;
  done_on_time: number;
  done_late: number;
  cancelled: number;
  total: number;
}

export interface FollowUpFigures {
  all: CountRow;
  byAssignee: (CountRow & { assignee_id: string | null; name: string | null })[];
  byEvent: (CountRow & { event_id: string; name: string })[];
}

/** Follow-up counts in the window; with an event id, only the follow-ups of that event (follow_ups.event_id). */
export async function followUpFigures(m: EntityManager, window_: ReportWindow, eventId: string | null = null): Promise<FollowUpFigures> {
  const params = [...window_, eventId];
  const window = `($1::timestamptz IS NULL OR f.due_at >= $1) AND ($2::timestamptz IS NULL OR f.due_at < $2)
    AND ($3::uuid IS NULL OR f.event_id = $3::uuid)`;
  const [all] = await queryRows<CountRow>(m, `SELECT ${COUNTS} FROM follow_ups f WHERE ${window}`, params);
  const byAssignee = await queryRows<CountRow & { assignee_id: string | null; name: string | null }>(
    m,
    `SELECT f.assignee_id, u.name, ${COUNTS} FROM follow_ups f LEFT JOIN users u ON u.id = f.assignee_id
      WHERE ${window} GROUP BY f.assignee_id, u.name ORDER BY overdue DESC, open DESC, u.name NULLS LAST`,
    params,
  );
  const byEvent = await queryRows<CountRow & { event_id: string; name: string }>(
    m,
    `SELECT f.event_id, e.name, ${COUNTS} FROM follow_ups f JOIN events e ON e.id = f.event_id
      WHERE ${window} GROUP BY f.event_id, e.name, e.starts_at ORDER BY e.starts_at DESC, f.event_id`,
    params,
  );
  return { all, byAssignee, byEvent };
}

export interface ActiveRow {
  id: string;
  name: string;
  kind: string;
  n: number;
  last: Date;
}

export interface NetworkFigures {
  months: { month: string; type: string; n: number }[];
  rec: { give: number; exchange: number; ask: number; unspecified: number };
  byOwner: { owner_id: string | null; name: string | null; contacts: number; dormant: number; never: number }[];
  byStaff: { user_id: string; name: string; relationships: number; dormant: number }[];
  active: ActiveRow[];
  networks: ActiveRow[];
}

export async function networkFigures(m: EntityManager, params: ReportWindow, days: number): Promise<NetworkFigures> {
  const window = `i.archived_at IS NULL AND ($1::timestamptz IS NULL OR i.occurred_at >= $1) AND ($2::timestamptz IS NULL OR i.occurred_at < $2)`;
  const months = await queryRows<{ month: string; type: string; n: number }>(
    m,
    `SELECT to_char(date_trunc('month', i.occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, i.type, count(*)::int AS n
       FROM interactions i WHERE ${window} GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  const [rec] = await queryRows<{ give: number; exchange: number; ask: number; unspecified: number }>(
    m,
    `SELECT count(*) FILTER (WHERE i.reciprocity = 'give')::int AS give,
            count(*) FILTER (WHERE i.reciprocity = 'exchange')::int AS exchange,
            count(*) FILTER (WHERE i.reciprocity = 'ask')::int AS ask,
            count(*) FILTER (WHERE i.reciprocity IS NULL)::int AS unspecified
       FROM interactions i WHERE ${window}`,
    params,
  );
  const byOwner = await queryRows<{ owner_id: string | null; name: string | null; contacts: number; dormant: number; never: number }>(
    m,
    `SELECT c.owner_id, u.name, count(*)::int AS contacts,
            count(*) FILTER (WHERE c.last_interaction_at < now() - make_interval(days => $1))::int AS dormant,
            count(*) FILTER (WHERE c.last_interaction_at IS NULL)::int AS never
       FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
      WHERE c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
      GROUP BY c.owner_id, u.name ORDER BY dormant DESC, u.name NULLS LAST`,
    [days],
  );
  const byStaff = await queryRows<{ user_id: string; name: string; relationships: number; dormant: number }>(
    m,
    `WITH links AS (
       SELECT i.author_id AS user_id, ic.contact_id, i.occurred_at FROM interactions i
         JOIN interaction_contacts ic ON ic.interaction_id = i.id WHERE i.archived_at IS NULL AND i.author_id IS NOT NULL
       UNION ALL
       SELECT p.user_id, ic.contact_id, i.occurred_at FROM interactions i
         JOIN interaction_contacts ic ON ic.interaction_id = i.id
         JOIN interaction_participants p ON p.interaction_id = i.id WHERE i.archived_at IS NULL),
     pairs AS (
       SELECT l.user_id, l.contact_id, max(l.occurred_at) AS last FROM links l
         JOIN contacts c ON c.id = l.contact_id AND c.archived_at IS NULL AND c.erased_at IS NULL
        GROUP BY l.user_id, l.contact_id)
     SELECT p.user_id, u.name, count(*)::int AS relationships,
            count(*) FILTER (WHERE p.last < now() - make_interval(days => $1))::int AS dormant
       FROM pairs p JOIN users u ON u.id = p.user_id
      GROUP BY p.user_id, u.name ORDER BY dormant DESC, u.name`,
    [days],
  );

  const active = await queryRows<ActiveRow>(
    m,
    `WITH links AS (
       SELECT io.organisation_id, i.id, i.occurred_at FROM interactions i
         JOIN interaction_organisations io ON io.interaction_id = i.id WHERE ${window}
       UNION
       SELECT c.organisation_id, i.id, i.occurred_at FROM interactions i
         JOIN interaction_contacts ic ON ic.interaction_id = i.id
         JOIN contacts c ON c.id = ic.contact_id WHERE ${window} AND c.organisation_id IS NOT NULL)
     SELECT o.id, o.name, o.kind, count(*)::int AS n, max(l.occurred_at) AS last
       FROM links l JOIN organisations o ON o.id = l.organisation_id
      WHERE o.archived_at IS NULL
      GROUP BY o.id ORDER BY n DESC, last DESC, o.id LIMIT 10`,
    params,
  );
  const networks = await queryRows<ActiveRow>(
    m,
    `WITH scope AS (
       SELECT o.id AS network_id, o.id AS organisation_id FROM organisations o WHERE o.kind = 'network' AND o.archived_at IS NULL
       UNION
       SELECT nm.network_id, nm.member_organisation_id FROM network_memberships nm
         JOIN organisations o ON o.id = nm.network_id AND o.kind = 'network' AND o.archived_at IS NULL
        WHERE nm.member_organisation_id IS NOT NULL AND (nm.until IS NULL OR nm.until >= current_date)),
     links AS (
       SELECT io.organisation_id, i.id, i.occurred_at FROM interactions i
         JOIN interaction_organisations io ON io.interaction_id = i.id WHERE ${window}
       UNION
       SELECT c.organisation_id, i.id, i.occurred_at FROM interactions i
         JOIN interaction_contacts ic ON ic.interaction_id = i.id
         JOIN contacts c ON c.id = ic.contact_id WHERE ${window} AND c.organisation_id IS NOT NULL),
     hits AS (SELECT DISTINCT s.network_id, l.id, l.occurred_at FROM scope s JOIN links l ON l.organisation_id = s.organisation_id)
     SELECT o.id, o.name, o.kind, count(*)::int AS n, max(h.occurred_at) AS last
       FROM hits h JOIN organisations o ON o.id = h.network_id
      GROUP BY o.id ORDER BY n DESC, last DESC, o.id LIMIT 10`,
    params,
  );
  return { months, rec, byOwner, byStaff, active, networks };
}
