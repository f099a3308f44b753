import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { strengthWeightSql } from './strength.js';

/**
 * Who knows whom, read-only: the interaction tables joined with the staff's names (users/) and the contacts' names
 * (contacts/). Strength = Σ exp(-ageDays / 90) over the shared non-archived interactions (see strength.ts).
 */

export interface StaffRelationshipRow {
  user_id: string;
  name: string;
  n: number;
  last: Date;
  strength: number;
}

export interface ContactRelationshipRow {
  contact_id: string;
  given_name: string;
  family_name: string;
  organisation_id: string | null;
  n: number;
  last: Date;
  strength: number;
}

/** The staff who authored or took part in the contact's interactions, strongest first (limit + 1 rows). */
export function staffOfContact(m: EntityManager, contactId: string, limit: number, offset: number): Promise<StaffRelationshipRow[]> {
  return queryRows<StaffRelationshipRow>(
    m,
    `WITH ints AS (
       SELECT i.id, i.occurred_at, i.author_id
         FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
        WHERE ic.contact_id = $1 AND i.archived_at IS NULL),
     links AS (
       SELECT ints.author_id AS user_id, ints.id AS interaction_id, ints.occurred_at FROM ints WHERE ints.author_id IS NOT NULL
       UNION
       SELECT p.user_id, ints.id, ints.occurred_at FROM ints JOIN interaction_participants p ON p.interaction_id = ints.id)
     SELECT l.user_id, u.name, count(*)::int AS n, max(l.occurred_at) AS last,
            round(sum(${strengthWeightSql('l.occurred_at')})::numeric, 3)::float8 AS strength
       FROM links l JOIN users u ON u.id = l.user_id
      GROUP BY l.user_id, u.name
      ORDER BY strength DESC, last DESC, l.user_id
      LIMIT ${limit + 1} OFFSET ${offset}`,
    [contactId],
  );
}

/** The (not erased) contacts of the user's interactions, strongest first (limit + 1 rows). */
export function contactsOfUser(m: EntityManager, userId: string, limit: number, offset: number): Promise<ContactRelationshipRow[]> {
  return queryRows<ContactRelationshipRow>(
    m,
    `WITH mine AS (
       SELECT i.id AS interaction_id, i.occurred_at FROM interactions i WHERE i.author_id = $1 AND i.archived_at IS NULL
       UNION
       SELECT i.id, i.occurred_at FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id
        WHERE p.user_id = $1 AND i.archived_at IS NULL)
     SELECT c.id AS contact_id, c.given_name, c.family_name, c.organisation_id, count(*)::int AS n, max(l.occurred_at) AS last,
            round(sum(${strengthWeightSql('l.occurred_at')})::numeric, 3)::float8 AS strength
       FROM mine l
       JOIN interaction_contacts ic ON ic.interaction_id = l.interaction_id
       JOIN contacts c ON c.id = ic.contact_id AND c.erased_at IS NULL
      GROUP BY c.id
      ORDER BY strength DESC, last DESC, c.id
      LIMIT ${limit + 1} OFFSET ${offset}`,
    [userId],
  );
}
