import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';
import { AffiliationResponseDto } from './dto/affiliation.dto.js';

/** Affiliations as the API shows them: read-only, with the organisation's name (read from `organisations`). */

export interface AffiliationRow {
  id: string;
  contact_id: string;
  organisation_id: string;
  organisation_name: string;
  job_title: string | null;
  department: string | null;
  since: string | null;
  until: string | null;
  is_primary: boolean;
  current: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_key: string;
}

const COLUMNS = `a.id, a.contact_id, a.organisation_id, o.name AS organisation_name, a.job_title, a.department,
  a.since::text AS since, a.until::text AS until, a.is_primary,
  ((a.since IS NULL OR a.since <= current_date) AND (a.until IS NULL OR a.until >= current_date)) AS current,
  a.version, a.created_at, a.updated_at, a.created_at::text AS created_key`;

export const toAffiliationResponse = (r: AffiliationRow): AffiliationResponseDto => ({
  id: r.id,
  contactId: r.contact_id,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  jobTitle: r.job_title,
  department: r.department,
  since: r.since,
  until: r.until,
  primary: r.is_primary,
  current: r.current,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A page of a contact's affiliations in creation order (`limit + 1` rows). */
export async function affiliationsOf(
  m: EntityManager,
  contactId: string,
  cursor: string | undefined,
  limit: number,
): Promise<AffiliationRow[]> {
  const params: unknown[] = [contactId];
  const after = afterCreated(cursor, 'a', 'asc', (v) => `$${params.push(v)}`);
  const cond = after ? `AND ${after}` : '';
  return queryRows<AffiliationRow>(
    m,
    `SELECT ${COLUMNS} FROM contact_affiliations a JOIN organisations o ON o.id = a.organisation_id
       WHERE a.contact_id = $1 ${cond} ORDER BY a.created_at, a.id LIMIT ${limit + 1}`,
    params,
  );
}

/** One affiliation, or undefined. */
export async function affiliationById(m: EntityManager, id: string): Promise<AffiliationRow | undefined> {
  const [row] = await queryRows<AffiliationRow>(
    m,
    `SELECT ${COLUMNS} FROM contact_affiliations a JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1`,
    [id],
  );
  return row;
}
