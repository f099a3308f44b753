import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * Read-only SQL of networks that shows other owners' names: a membership with its network's, member organisation's
 * and user's names (organisations/, users/), a conflict of interest with its organisation's name.
 */

export interface MembershipRow {
  id: string;
  network_id: string;
  member_organisation_id: string | null;
  member_organisation_name: string | null;
  user_id: string | null;
  user_name: string | null;
  member_contact_id: string | null;
  network_name: string;
  role: string | null;
  since: string | null;
  until: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  created_key: string;
}

const MEMBERSHIP_COLUMNS = `nm.id, nm.network_id, nm.member_organisation_id, o.name AS member_organisation_name, nm.user_id,
  u.name AS user_name, nm.member_contact_id, net.name AS network_name, nm.role, nm.since::text AS since, nm.until::text AS until,
  (nm.until IS NULL OR nm.until >= current_date) AS active, nm.version, nm.created_at, nm.created_at::text AS created_key
  FROM network_memberships nm LEFT JOIN organisations o ON o.id = nm.member_organisation_id LEFT JOIN users u ON u.id = nm.user_id
  JOIN organisations net ON net.id = nm.network_id`;

/** Memberships with names (alias `nm`): `where` and `tail` (ORDER/LIMIT) are the caller's, parameterised. */
export function membershipRows(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<MembershipRow[]> {
  return queryRows<MembershipRow>(m, `SELECT ${MEMBERSHIP_COLUMNS} WHERE ${where} ${tail}`, params);
}

export interface ConflictRow {
  id: string;
  user_id: string;
  organisation_id: string;
  name: string;
  description: string | null;
  declared_by: string | null;
  version: number;
  created_at: Date;
  created_key: string;
}

/** Conflicts of interest with the organisation's name (alias `ci`). */
export function conflictRows(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<ConflictRow[]> {
  return queryRows<ConflictRow>(
    m,
    `SELECT ci.id, ci.user_id, ci.organisation_id, o.name, ci.description, ci.declared_by, ci.version, ci.created_at,
            ci.created_at::text AS created_key
       FROM conflicts_of_interest ci JOIN organisations o ON o.id = ci.organisation_id WHERE ${where} ${tail}`,
    params,
  );
}
