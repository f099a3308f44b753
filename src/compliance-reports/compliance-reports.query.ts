import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * The compliance reports' SQL: read-only aggregates over purposes/, recipients/, consent/ (consents), disclosures/
 * and subject-requests/, with contacts/ to leave out erased and merged people. Nothing is written here;
 * compliance-reports/ owns no table.
 */

export interface ActivityRow {
  key: string;
  name: string;
  description: string;
  legal_basis: string;
  data_categories: string[];
  retention_days: number | null;
  recipients: { id: string; name: string; kind: string }[];
}

/**
 * One row per purpose that is not retired, by key. Its recipients: those that received data under it (a
 * disclosure with at least one contact disclosed) or are named in one of its consents (a consent naming no
 * recipient covers every recipient and names none), by name.
 */
export function processingActivities(m: EntityManager): Promise<ActivityRow[]> {
  return queryRows<ActivityRow>(
    m,
    `SELECT p.key, p.name, p.description, p.legal_basis, p.data_categories, p.retention_days,
            COALESCE((
              SELECT json_agg(json_build_object('id', r.id, 'name', r.name, 'kind', r.kind) ORDER BY r.name, r.id)
                FROM recipients r
               WHERE r.id IN (SELECT d.recipient_id FROM disclosures d WHERE d.purpose_id = p.id AND d.disclosed_count > 0
                              UNION
                              SELECT unnest(k.recipient_ids) FROM consents k WHERE k.purpose_id = p.id AND k.recipient_ids IS NOT NULL)
            ), '[]'::json) AS recipients
       FROM purposes p
      WHERE p.retired_at IS NULL
      ORDER BY p.key`,
  );
}

export interface DisclosureCountRow {
  recipient_id: string;
  month: string;
  allowed: boolean;
  reason: string;
  n: number;
}

/** Decisions per recipient, month (UTC), allowed or not and reason, in [from, to) on the disclosure's time. */
export function disclosureCounts(m: EntityManager, from: string | null, to: string | null): Promise<DisclosureCountRow[]> {
  return queryRows<DisclosureCountRow>(
    m,
    `SELECT d.recipient_id, to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, i.allowed, i.reason, count(*)::int AS n
       FROM disclosures d JOIN disclosure_items i ON i.disclosure_id = d.id
      WHERE ($1::timestamptz IS NULL OR d.created_at >= $1::timestamptz)
        AND ($2::timestamptz IS NULL OR d.created_at < $2::timestamptz)
      GROUP BY 1, 2, 3, 4
      ORDER BY 2, 1, 4`,
    [from, to],
  );
}

export interface ExpiringRow {
  id: string;
  contact_id: string;
  purpose: string;
  expires_at: Date;
  /** expires_at exactly as stored, in microseconds since the epoch: the page key. */
  expires_key: string;
}

/**
 * Granted consents that are live now and expire within `days`, soonest first, of contacts that are neither erased
 * nor merged (archived ones included: their consent still runs out).
 */
export function consentsExpiring(
  m: EntityManager,
  days: number,
  after: [string, string] | undefined,
  limit: number,
): Promise<ExpiringRow[]> {
  return queryRows<ExpiringRow>(
    m,
    `SELECT k.id, k.contact_id, p.key AS purpose, k.expires_at, (extract(epoch FROM k.expires_at) * 1000000)::bigint::text AS expires_key
       FROM consents k
       JOIN purposes p ON p.id = k.purpose_id
       JOIN contacts c ON c.id = k.contact_id
      WHERE k.status = 'granted'
        AND k.expires_at > now() AND k.expires_at <= now() + $1::int * interval '24 hours'
        AND c.erased_at IS NULL AND c.merged_into_id IS NULL
        AND ($2::bigint IS NULL OR ((extract(epoch FROM k.expires_at) * 1000000)::bigint, k.id) > ($2::bigint, $3::uuid))
      ORDER BY k.expires_at, k.id
      LIMIT $4`,
    [days, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}

export interface SubjectRequestFigures {
  by_kind: Record<string, number>;
  by_status: Record<string, number>;
  overdue: number;
  median_days: number | null;
}

/**
 * The register's timeliness: counts by kind and status; overdue = still open (or extended) past the due date;
 * the median time from receipt to answer (done or rejected), in days.
 */
export async function subjectRequestFigures(m: EntityManager): Promise<SubjectRequestFigures> {
  const [r] = await queryRows<SubjectRequestFigures>(
    m,
    `SELECT COALESCE((SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*)::int AS n FROM subject_requests GROUP BY kind) k), '{}'::json) AS by_kind,
            COALESCE((SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM subject_requests GROUP BY status) s), '{}'::json) AS by_status,
            (SELECT count(*)::int FROM subject_requests WHERE status IN ('open', 'extended') AND due_at < now()) AS overdue,
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (extract(epoch FROM closed_at - received_at) / 86400)::float8)
               FROM subject_requests WHERE status IN ('done', 'rejected') AND closed_at IS NOT NULL) AS median_days`,
  );
  return r;
}
