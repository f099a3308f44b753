import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import { contactLinkStrengthSql, staffLinkStrengthSql } from './introduction-strength.js';

/**
 * Warm introductions, read-only and set-based: one statement walks contact_connections outward from the target
 * (a recursive CTE; `path` holds the contacts visited so far and a step never revisits one: cycle protection),
 * then joins the staff who know each contact reached — the authors and participants of its non-archived
 * interactions, as relationships.query.ts defines "knowing" — and ranks the chains by the strength rule of
 * introduction-strength.ts. Archived, erased and merged contacts are never stepped on (nor is such a target
 * walked from). Reads contacts, interactions, interaction_contacts and interaction_participants (read-only).
 * Confidential interactions count like any other; nothing of their content is read.
 */

export interface IntroductionRow {
  user_id: string;
  /** From the target outward: [target, …, the contact the staff member knows]. */
  path: string[];
  hops: number;
  strength: number;
  last: Date;
}

/** The strongest chains (at most `limit`) of at most `maxHops` links (the staff–contact link included). */
export function introductionChains(m: EntityManager, targetId: string, maxHops: number, dormantDays: number, limit: number): Promise<IntroductionRow[]> {
  return queryRows<IntroductionRow>(
    m,
    `WITH RECURSIVE walk (contact_id, path, strength, hops) AS (
       SELECT c.id, ARRAY[c.id], 1.0::numeric, 0
         FROM contacts c
        WHERE c.id = $1 AND c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
       UNION ALL
       SELECT e.other, w.path || e.other, least(w.strength, e.strength), w.hops + 1
         FROM walk w
         CROSS JOIN LATERAL (
           SELECT cc.from_contact_id AS other, ${contactLinkStrengthSql('cc.kind')} AS strength
             FROM contact_connections cc WHERE cc.to_contact_id = w.contact_id
           UNION ALL
           SELECT cc.to_contact_id, ${contactLinkStrengthSql('cc.kind')}
             FROM contact_connections cc WHERE cc.from_contact_id = w.contact_id) e
         JOIN contacts n ON n.id = e.other AND n.archived_at IS NULL AND n.erased_at IS NULL AND n.merged_into_id IS NULL
        WHERE w.hops + 1 < $2 AND e.other <> ALL (w.path)
     ),
     reached AS (SELECT DISTINCT contact_id FROM walk),
     staff AS (
       -- Per contact reached, its interactions by index (OFFSET 0 keeps the lateral from being flattened into a
       -- hash join that scans interaction_contacts whole: the walk is small, the CTE's row estimate is not).
       SELECT k.user_id, r.contact_id, max(x.occurred_at) AS last
         FROM reached r
         CROSS JOIN LATERAL (
           SELECT i.id, i.occurred_at, i.author_id
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id AND i.archived_at IS NULL
            WHERE ic.contact_id = r.contact_id OFFSET 0) x
         CROSS JOIN LATERAL (
           SELECT x.author_id WHERE x.author_id IS NOT NULL
           UNION
           SELECT p.user_id FROM interaction_participants p WHERE p.interaction_id = x.id) k (user_id)
        GROUP BY k.user_id, r.contact_id
     ),
     chains AS (
       SELECT DISTINCT ON (s.user_id, w.path)
              s.user_id, w.path, w.hops + 1 AS hops, s.last,
              least(w.strength, ${staffLinkStrengthSql('s.last', '$3::int')}) AS strength
         FROM walk w JOIN staff s ON s.contact_id = w.contact_id
        ORDER BY s.user_id, w.path, strength DESC
     )
     SELECT user_id, path::text[] AS path, hops, strength::float8 AS strength, last
       FROM chains
      ORDER BY strength DESC, hops, last DESC, user_id, path
      LIMIT $4`,
    [targetId, maxHops, dormantDays, limit],
  );
}
