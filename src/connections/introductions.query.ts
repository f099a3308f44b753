import type { EntityManager } from 'typeorm';
import { preparedRows } from '../database/prepared.js';
import { contactLinkStrengthSql, staffLinkStrengthSql, STRONG, WEAK } from './introduction-strength.js';

/**
 * Warm introductions, read-only and set-based: ONE statement walks contact_connections outward from the target,
 * joins the staff who know each contact reached — the authors and participants of its non-archived interactions,
 * as relationships.query.ts defines "knowing" — and ranks the chains by the strength rule of
 * introduction-strength.ts. Archived, erased and merged contacts are never stepped on (nor is such a target
 * walked from); a path never visits a contact twice (cycle protection). Reads contacts, contact_connections,
 * interactions, interaction_contacts and interaction_participants (read-only). Confidential interactions count
 * like any other; nothing of their content is read.
 *
 * Pruned by rank, not by a cut-off: a chain's rank is (strength, hops, last staff interaction), and strength and
 * hops take few values, so the chains fall into groups in rank order: every 1.0 chain (strong paths follow only
 * colleague and reports_to links, so there are few), then the 0.5 chains of 1 and 2 links (the target and its
 * neighbours), then of 3, then of 4 links (up to maxHops). Each group is one branch of a UNION ALL, sorted within
 * itself and cut at `limit`; the outer LIMIT stops pulling rows once it has `limit` of them, and PostgreSQL
 * evaluates a CTE only as far as it is read. So the walk goes one level further out only while the closer groups
 * hold fewer than `limit` chains: a well-connected target's introductions come from its neighbours, and its
 * neighbours' neighbours (hundreds of thousands of paths around a hub) are never enumerated. Every branch reads a
 * materialized CTE (a CTE scan is never run in parallel workers), so the Append runs its branches in order, one
 * after the other; the page (`limit` rows) is then sorted once more by branch and rank.
 */

export interface IntroductionRow {
  user_id: string;
  /** From the target outward: [target, …, the contact the staff member knows]. */
  path: string[];
  hops: number;
  strength: number;
  last: Date;
}

/** The most contact–contact links a chain has: maxHops (1–4) counts the staff–contact link too. */
const MAX_CONTACT_LINKS = 3;

const live = (a: string) => `${a}.archived_at IS NULL AND ${a}.erased_at IS NULL AND ${a}.merged_into_id IS NULL`;

/** One step outward from the paths of `from` (level k - 1) to level k, along any link or only strong ones. */
const step = (from: string, k: number, strongOnly: boolean) =>
  `SELECT e.other AS contact_id, w.path || e.other AS path, least(w.strength, e.strength) AS strength
     FROM ${from} w
     CROSS JOIN LATERAL (
       SELECT cc.from_contact_id AS other, ${contactLinkStrengthSql('cc.kind')} AS strength
         FROM contact_connections cc WHERE cc.to_contact_id = w.contact_id
       UNION ALL
       SELECT cc.to_contact_id, ${contactLinkStrengthSql('cc.kind')}
         FROM contact_connections cc WHERE cc.from_contact_id = w.contact_id) e
     JOIN contacts n ON n.id = e.other AND ${live('n')}
    WHERE $2::int > ${k} AND e.other <> ALL (w.path)${strongOnly ? ` AND e.strength = ${STRONG.toFixed(1)}` : ''}`;

/**
 * The staff who know contact `c`, with their last interaction with it: the author and the participants of each of
 * its interactions (UNION ALL: a staff member listed twice has the same maximum). Per contact by index (OFFSET 0
 * keeps the lateral from being flattened into a hash join that scans interaction_contacts whole).
 */
const staffOf = (c: string) =>
  `SELECT k.user_id, max(x.occurred_at) AS last
     FROM (SELECT i.id, i.occurred_at, i.author_id
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id AND i.archived_at IS NULL
            WHERE ic.contact_id = ${c} OFFSET 0) x
     CROSS JOIN LATERAL (
       SELECT x.author_id
       UNION ALL
       SELECT p.user_id FROM interaction_participants p WHERE p.interaction_id = x.id) k (user_id)
    WHERE k.user_id IS NOT NULL
    GROUP BY k.user_id`;

const recent = staffLinkStrengthSql('s.last', '$3::int');

/**
 * One branch of the ranking: the chains from the paths of `paths` (a union of levels), strong (every link 1.0:
 * strong paths and a recent staff link) or weak (the others), best first.
 */
const rankBranch = (branch: number, paths: string, strong: boolean) =>
  `(SELECT ${branch} AS branch, s.user_id, w.path, w.hops, s.last, ${(strong ? STRONG : WEAK).toFixed(1)} AS strength
      FROM (${paths}) w CROSS JOIN LATERAL (${staffOf('w.contact_id')}) s
     WHERE ${strong ? `${recent} = ${STRONG.toFixed(1)}` : `least(w.strength, ${recent}) = ${WEAK.toFixed(1)}`}
     ORDER BY w.hops, s.last DESC, s.user_id, w.path::text[]
     LIMIT $4)`;

/** The paths of level k as chains of k + 1 links. */
const asChains = (cte: string, k: number) => `SELECT contact_id, path, strength, ${k + 1} AS hops FROM ${cte}`;

/** The strongest chains (at most `limit`) of at most `maxHops` links (the staff–contact link included). */
export function introductionChains(m: EntityManager, targetId: string, maxHops: number, dormantDays: number, limit: number): Promise<IntroductionRow[]> {
  // Only the levels maxHops reaches are written into the statement (less to plan); each also checks $2 itself.
  const levels = Array.from({ length: Math.max(0, Math.min(MAX_CONTACT_LINKS, maxHops - 1)) }, (_, i) => i + 1);
  const ctes = [
    `l0 AS MATERIALIZED (
       SELECT c.id AS contact_id, ARRAY[c.id] AS path, ${STRONG.toFixed(1)} AS strength FROM contacts c
        WHERE c.id = $1 AND $2::int >= 1 AND ${live('c')})`,
    // Every path of k links (l1…), and the paths of k strong links (s1…; s0 is l0).
    ...levels.map((k) => `l${k} AS MATERIALIZED (${step(`l${k - 1}`, k, false)})`),
    ...levels.map((k) => `s${k} AS MATERIALIZED (${step(k === 1 ? 'l0' : `s${k - 1}`, k, true)})`),
  ];
  // In rank order: every strong chain (the strong paths are few: they follow colleague and reports_to links only),
  // then the weak ones of 1 and 2 links (the target and its neighbours), then of 3, then of 4 links.
  const branches = [
    rankBranch(1, [asChains('l0', 0), ...levels.map((k) => asChains(`s${k}`, k))].join(' UNION ALL '), true),
    rankBranch(2, [asChains('l0', 0), ...levels.slice(0, 1).map((k) => asChains(`l${k}`, k))].join(' UNION ALL '), false),
    ...levels.slice(1).map((k) => rankBranch(k + 1, asChains(`l${k}`, k), false)),
  ];
  return preparedRows<IntroductionRow>(
    m,
    `WITH ${ctes.join(',\n     ')}
     SELECT user_id, path::text[] AS path, hops, strength::float8 AS strength, last FROM (
       SELECT * FROM (${branches.join('\n       UNION ALL ')}) ranked
        LIMIT $4) page
      ORDER BY branch, hops, last DESC, user_id, path::text[]`,
    [targetId, maxHops, dormantDays, limit],
  );
}
