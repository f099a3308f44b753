import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { RetentionFacts, RetentionReason } from './retention-rule.js';

/**
 * The retention rule (retention-rule.ts) as set-based, read-only SQL over contacts/, interactions/, consent/
 * (consents, legal_bases) and purposes/. Nothing is written here. The same clauses, in the same order:
 * not erased or merged; no live consent; no basis that has not ended; no activity for `days` days (creation, last
 * change, last interaction); every consent once in force ended at least its purpose's retentionDays ago
 * (none: at its end). `now` is a parameter (the injected clock), never the database's now().
 *
 * Contacts are first narrowed on their own columns (created_at, updated_at, last_interaction_at must all be older
 * than the inactivity period), then each candidate's consents, bases and interactions are read through their
 * contact indexes.
 */

export interface DueRow {
  contact_id: string;
  reason: RetentionReason;
  due_since: Date;
  /** due_since exactly as PostgreSQL keeps it, in microseconds since the epoch: the page key. */
  due_key: string;
}

export interface DueQuery {
  now: Date;
  days: number;
  /** Only these contacts (the run's re-check of one contact). */
  ids?: string[];
  /** The page key after which to continue: [due_key (digits), contact_id]. */
  after?: [string, string];
  limit: number;
}

export async function dueForErasure(m: EntityManager, q: DueQuery): Promise<DueRow[]> {
  return queryRows<DueRow>(
    m,
    `WITH c AS (
       SELECT c.id, GREATEST(c.created_at, c.updated_at, c.last_interaction_at, li.last_at) AS activity
         FROM contacts c
         LEFT JOIN LATERAL (
           SELECT max(i.occurred_at) AS last_at
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
            WHERE ic.contact_id = c.id) li ON true
        WHERE c.erased_at IS NULL AND c.merged_into_id IS NULL
          AND GREATEST(c.created_at, c.updated_at, c.last_interaction_at) <= $1::timestamptz - $2::int * interval '24 hours'
          AND ($3::uuid[] IS NULL OR c.id = ANY($3::uuid[]))
     ), d AS (
       SELECT c.id,
              k.live AS consent_live,
              b.live AS basis_live,
              k.retained_until,
              b.ended AS bases_ended,
              GREATEST(c.activity + $2::int * interval '24 hours', k.retained_until, b.ended) AS due_since
         FROM c
         LEFT JOIN LATERAL (
           SELECT bool_or(k.status = 'granted' AND (k.expires_at IS NULL OR k.expires_at > $1)) AS live,
                  max(LEAST(k.withdrawn_at, k.expires_at) + COALESCE(p.retention_days, 0) * interval '24 hours') AS retained_until
             FROM consents k JOIN purposes p ON p.id = k.purpose_id
            WHERE k.contact_id = c.id
              AND k.status <> 'pending'
              AND NOT (k.method = 'email_double_opt_in' AND k.confirmed_at IS NULL)) k ON true
         LEFT JOIN LATERAL (
           SELECT bool_or(b.ended_at IS NULL AND (b.valid_until IS NULL OR b.valid_until > $1)) AS live,
                  max(LEAST(b.ended_at, b.valid_until)) AS ended
             FROM legal_bases b
            WHERE b.contact_id = c.id) b ON true
     )
     SELECT d.id AS contact_id,
            CASE WHEN d.retained_until = d.due_since THEN 'consent_retention_passed'
                 WHEN d.bases_ended = d.due_since THEN 'basis_ended'
                 ELSE 'no_activity' END AS reason,
            d.due_since,
            (extract(epoch FROM d.due_since) * 1000000)::bigint::text AS due_key
       FROM d
      WHERE NOT coalesce(d.consent_live, false)
        AND NOT coalesce(d.basis_live, false)
        AND d.due_since <= $1
        AND ($4::bigint IS NULL OR ((extract(epoch FROM d.due_since) * 1000000)::bigint, d.id) > ($4::bigint, $5::uuid))
      ORDER BY d.due_since, d.id
      LIMIT $6`,
    [q.now, q.days, q.ids ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
  );
}

/**
 * What the rule reads about one contact, as the pure function takes it: the contact's dates, every consent with
 * its purpose's retentionDays, every recorded basis. Read-only; used by the run to decide again, under the
 * contact's lock, just before erasing.
 */
export async function retentionFactsOf(m: EntityManager, contactId: string): Promise<RetentionFacts | undefined> {
  const [c] = await queryRows<{
    id: string;
    created_at: Date;
    updated_at: Date;
    last_interaction_at: Date | null;
    erased_at: Date | null;
    merged_into_id: string | null;
  }>(
    m,
    `SELECT c.id, c.created_at, c.updated_at,
            GREATEST(c.last_interaction_at,
                     (SELECT max(i.occurred_at) FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
                       WHERE ic.contact_id = c.id)) AS last_interaction_at,
            c.erased_at, c.merged_into_id
       FROM contacts c WHERE c.id = $1`,
    [contactId],
  );
  if (!c) return undefined;
  const consents = await queryRows<{
    status: 'pending' | 'granted' | 'withdrawn';
    method: string;
    confirmed_at: Date | null;
    expires_at: Date | null;
    withdrawn_at: Date | null;
    retention_days: number | null;
  }>(
    m,
    `SELECT k.status, k.method, k.confirmed_at, k.expires_at, k.withdrawn_at, p.retention_days
       FROM consents k JOIN purposes p ON p.id = k.purpose_id WHERE k.contact_id = $1`,
    [contactId],
  );
  const bases = await queryRows<{ valid_until: Date | null; ended_at: Date | null }>(
    m,
    `SELECT b.valid_until, b.ended_at FROM legal_bases b WHERE b.contact_id = $1`,
    [contactId],
  );
  return {
    contactId: c.id,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    lastInteractionAt: c.last_interaction_at,
    erasedAt: c.erased_at,
    mergedIntoId: c.merged_into_id,
    consents: consents.map((k) => ({
      status: k.status,
      method: k.method,
      confirmedAt: k.confirmed_at,
      expiresAt: k.expires_at,
      withdrawnAt: k.withdrawn_at,
      retentionDays: k.retention_days,
    })),
    bases: bases.map((b) => ({ validUntil: b.valid_until, endedAt: b.ended_at })),
  };
}
