import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * Consent coverage of one purpose: a read-only report across the consent gate's table (consents) and the address
 * book (contacts), set-based in one statement. Neither owner's data is written here.
 */
export async function consentCoverageOf(
  m: EntityManager,
  purposeId: string,
): Promise<{ contacts: number; withConsent: number; expiring: number }> {
  const [r] = await queryRows<{ contacts: string; with_consent: string; expiring: string }>(
    m,
    `WITH live AS (
       SELECT contact_id, bool_or(expires_at IS NULL) AS open_ended, max(expires_at) AS last_expiry
         FROM consents
        WHERE purpose_id = $1 AND status = 'granted' AND (expires_at IS NULL OR expires_at > now())
        GROUP BY contact_id)
     SELECT count(*) AS contacts,
            count(l.contact_id) AS with_consent,
            count(l.contact_id) FILTER (WHERE NOT l.open_ended AND l.last_expiry <= now() + interval '30 days') AS expiring
       FROM contacts c LEFT JOIN live l ON l.contact_id = c.id
      WHERE c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL`,
    [purposeId],
  );
  return { contacts: Number(r.contacts), withConsent: Number(r.with_consent), expiring: Number(r.expiring) };
}
