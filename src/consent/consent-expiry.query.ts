import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/** A consent whose expiry was just noticed; `expired_at` is the exact timestamptz as text, `expired_us` comparable. */
export interface NoticedExpiry {
  consent_id: string;
  contact_id: string;
  purpose_id: string;
  expired_at: string;
  expired_us: string;
}

/**
 * Records a notice for up to `batch` granted consents whose expiry has passed (never one that was already expired
 * when it was recorded, never one of an erased contact), oldest expiry first, and returns the notices written. The
 * notice row is the "exactly once": concurrent scans meet on its primary key. The erased filter reads contacts
 * (read-only, in the same statement: an erased contact's consents must not fill the batch).
 */
export function noticeExpiredConsents(m: EntityManager, batch: number): Promise<NoticedExpiry[]> {
  return queryRows<NoticedExpiry>(
    m,
    `WITH due AS (
       SELECT c.id, c.contact_id, c.expires_at
         FROM consents c
         JOIN contacts ct ON ct.id = c.contact_id
        WHERE c.status = 'granted'
          AND c.expires_at IS NOT NULL
          AND c.expires_at <= now()
          AND c.expires_at > c.created_at
          AND ct.erased_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM consent_expiry_notices n WHERE n.consent_id = c.id)
        ORDER BY c.expires_at
        LIMIT $1
     ), noticed AS (
       INSERT INTO consent_expiry_notices (consent_id, contact_id, expired_at)
       SELECT id, contact_id, expires_at FROM due
       ON CONFLICT (consent_id) DO NOTHING
       RETURNING consent_id, contact_id, expired_at
     )
     SELECT n.consent_id, n.contact_id, c.purpose_id, n.expired_at::text AS expired_at,
            (extract(epoch FROM n.expired_at) * 1000000)::bigint::text AS expired_us
       FROM noticed n JOIN consents c ON c.id = n.consent_id`,
    [batch],
  );
}
