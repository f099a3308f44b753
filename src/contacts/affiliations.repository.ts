import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { affiliationById, affiliationsOf, AffiliationRow } from './affiliations.query.js';

export type { AffiliationRow } from './affiliations.query.js';

/** A new affiliation's values. */
export interface NewAffiliation {
  contactId: string;
  organisationId: string;
  jobTitle: string | null;
  department: string | null;
  since: string | null;
  until: string | null;
  primary: boolean;
}

/** The `contact_affiliations` table (a contact's roles at organisations): every SQL statement on it. */
@Injectable()
export class AffiliationsRepository {
  /** A page of the contact's affiliations, in creation order (`limit + 1` rows). */
  list(m: EntityManager, contactId: string, cursor: string | undefined, limit: number): Promise<AffiliationRow[]> {
    return affiliationsOf(m, contactId, cursor, limit);
  }

  findById(m: EntityManager, id: string): Promise<AffiliationRow | undefined> {
    return affiliationById(m, id);
  }

  /** The contact's primary affiliation stops being primary (with a new version). */
  async clearPrimary(m: EntityManager, contactId: string): Promise<void> {
    await m.query(
      'UPDATE contact_affiliations SET is_primary = false, version = version + 1, updated_at = now() WHERE contact_id = $1 AND is_primary',
      [contactId],
    );
  }

  /** FOR UPDATE on one affiliation; false when there is none. */
  async lock(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(m, 'SELECT 1 FROM contact_affiliations WHERE id = $1 FOR UPDATE', [id])).length > 0;
  }

  /** Sets the fields given (undefined: kept), with a new version. */
  async update(
    m: EntityManager,
    id: string,
    c: { jobTitle?: string | null; department?: string | null; until?: string | null; primary?: boolean },
  ): Promise<void> {
    const params: unknown[] = [id];
    const sets: string[] = [];
    const s = (col: string, v: unknown) => sets.push(`${col} = $${params.push(v)}`);
    if (c.jobTitle !== undefined) s('job_title', c.jobTitle);
    if (c.department !== undefined) s('department', c.department);
    if (c.until !== undefined) s('until', c.until);
    if (c.primary !== undefined) s('is_primary', c.primary);
    if (sets.length === 0) return;
    await m.query(
      `UPDATE contact_affiliations SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`,
      params,
    );
  }

  /** Inserts an affiliation; its id. */
  async insert(m: EntityManager, a: NewAffiliation): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO contact_affiliations (contact_id, organisation_id, job_title, department, since, until, is_primary)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [a.contactId, a.organisationId, a.jobTitle, a.department, a.since, a.until, a.primary],
    );
    return row.id;
  }

  /** Whether the contact has a primary affiliation. */
  async hasPrimary(m: EntityManager, contactId: string): Promise<boolean> {
    const r = await queryRows(m, 'SELECT 1 FROM contact_affiliations WHERE contact_id = $1 AND is_primary LIMIT 1', [
      contactId,
    ]);
    return r.length > 0;
  }

  /** Merge: the duplicate's primary affiliation stops being primary (no new version: the row moves next). */
  async unsetPrimary(m: EntityManager, contactId: string): Promise<void> {
    await m.query('UPDATE contact_affiliations SET is_primary = false WHERE contact_id = $1 AND is_primary', [
      contactId,
    ]);
  }

  /** Export: the contact's affiliations as stored (`SELECT *`, all of them). */
  async rawRowsOfContact(m: EntityManager, contactId: string): Promise<Record<string, unknown>[]> {
    return queryRows(m, 'SELECT * FROM "contact_affiliations" WHERE "contact_id" = $1 ORDER BY "created_at", "id"', [contactId]);
  }

  /** Erasure: the contact's affiliations go. */
  async deleteOfContact(m: EntityManager, contactId: string): Promise<void> {
    await m.query('DELETE FROM "contact_affiliations" WHERE "contact_id" = $1', [contactId]);
  }
}
