import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';
import type { SuccessFactor } from './dto/network.dto.js';
import { ConflictRow, conflictRows, MembershipRow, membershipRows } from './networks.query.js';

export type { ConflictRow, MembershipRow } from './networks.query.js';

export interface ReviewRow {
  id: string;
  network_id: string;
  reviewer_id: string | null;
  reviewed_on: string;
  comment: string | null;
  version: number;
  created_at: Date;
  created_key: string;
  factors: { factor: SuccessFactor; score: number; note: string | null }[];
}

/**
 * network_memberships, network_reviews (with network_review_scores) and conflicts_of_interest: hand-written SQL
 * (reviews aggregate their scores; memberships and conflicts show names, see networks.query.ts).
 */
@Injectable()
export class NetworksRepository {
  async insertMembership(
    m: EntityManager,
    r: {
      networkId: string;
      memberOrganisationId: string | null;
      userId: string | null;
      memberContactId: string | null;
      role: string | null;
      since: string | null;
      until: string | null;
      createdBy: string | null;
    },
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO network_memberships (network_id, member_organisation_id, user_id, member_contact_id, role, since, until, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8) RETURNING id`,
      [r.networkId, r.memberOrganisationId, r.userId, r.memberContactId, r.role, r.since, r.until, r.createdBy],
    );
    return id;
  }

  /** Whether the contact has a membership of the network that has not ended. */
  async contactIsActiveMember(m: EntityManager, networkId: string, contactId: string): Promise<boolean> {
    const rows = await queryRows(
      m,
      `SELECT 1 FROM network_memberships WHERE network_id = $1 AND member_contact_id = $2 AND (until IS NULL OR until >= current_date)`,
      [networkId, contactId],
    );
    return rows.length > 0;
  }

  /** Sets the given columns (role, since, until) and bumps the version. */
  async updateMembership(m: EntityManager, id: string, values: { role?: string | null; since?: string | null; until?: string | null }): Promise<void> {
    const params: unknown[] = [id];
    const sets = ['version = version + 1'];
    if (values.role !== undefined) sets.push(`role = $${params.push(values.role)}`);
    if (values.since !== undefined) sets.push(`since = $${params.push(values.since)}::date`);
    if (values.until !== undefined) sets.push(`until = $${params.push(values.until)}::date`);
    await m.query(`UPDATE network_memberships SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** The networks a contact belongs to (ended memberships included), oldest first: limit + 1 rows after the cursor. */
  listMembershipsOfContact(m: EntityManager, contactId: string, cursor: string | undefined, limit: number): Promise<MembershipRow[]> {
    const params: unknown[] = [contactId];
    const after = afterCreated(cursor, 'nm', 'asc', (v) => `$${params.push(v)}`);
    return membershipRows(m, `nm.member_contact_id = $1 ${after ? `AND ${after}` : ''}`, params, `ORDER BY nm.created_at, nm.id LIMIT ${limit + 1}`);
  }

  /** The contact's memberships as stored (export). */
  rawMembershipsOfContact(m: EntityManager, contactId: string): Promise<Record<string, unknown>[]> {
    return queryRows(m, 'SELECT * FROM network_memberships WHERE member_contact_id = $1 ORDER BY created_at, id', [contactId]);
  }

  /** Erasure: the person's memberships go. */
  async deleteMembershipsOfContact(m: EntityManager, contactId: string): Promise<void> {
    await m.query('DELETE FROM network_memberships WHERE member_contact_id = $1', [contactId]);
  }

  /**
   * Merge, set-based: a membership of the duplicate in a network the survivor is already a member of is dropped
   * (the survivor's is kept), the others move to the survivor.
   */
  async moveMemberships(m: EntityManager, survivorId: string, duplicateId: string): Promise<{ moved: number; dropped: number }> {
    const dropped = await queryRows(
      m,
      `DELETE FROM network_memberships d WHERE d.member_contact_id = $2
          AND EXISTS (SELECT 1 FROM network_memberships s WHERE s.member_contact_id = $1 AND s.network_id = d.network_id)
       RETURNING 1`,
      [survivorId, duplicateId],
    );
    // Two memberships of the duplicate in the same network stay two: they were already both there.
    const moved = await queryRows(
      m,
      'UPDATE network_memberships SET member_contact_id = $1, version = version + 1 WHERE member_contact_id = $2 RETURNING 1',
      [survivorId, duplicateId],
    );
    return { moved: moved.length, dropped: dropped.length };
  }

  async findMembership(m: EntityManager, id: string): Promise<MembershipRow | undefined> {
    const [row] = await membershipRows(m, 'nm.id = $1', [id]);
    return row;
  }

  /** A network's memberships, oldest first: one page (limit + 1 rows) after the cursor. */
  listMemberships(m: EntityManager, networkId: string, cursor: string | undefined, limit: number): Promise<MembershipRow[]> {
    const params: unknown[] = [networkId];
    const after = afterCreated(cursor, 'nm', 'asc', (v) => `$${params.push(v)}`);
    return membershipRows(m, `nm.network_id = $1 ${after ? `AND ${after}` : ''}`, params, `ORDER BY nm.created_at, nm.id LIMIT ${limit + 1}`);
  }

  /** A review with its scores, one per factor (in the order given). */
  async insertReview(
    m: EntityManager,
    r: { networkId: string; reviewerId: string | null; reviewedOn: string | null; comment: string | null; createdBy: string | null },
    scores: { factor: SuccessFactor; score: number; note: string | null }[],
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO network_reviews (network_id, reviewer_id, reviewed_on, comment, created_by)
       VALUES ($1, $2, COALESCE($3::date, current_date), $4, $5) RETURNING id`,
      [r.networkId, r.reviewerId, r.reviewedOn, r.comment, r.createdBy],
    );
    await m.query(
      `INSERT INTO network_review_scores (review_id, factor, score, note)
       SELECT $1, f, s, n FROM unnest($2::text[], $3::int[], $4::text[]) AS t(f, s, n)`,
      [id, scores.map((s) => s.factor), scores.map((s) => s.score), scores.map((s) => s.note)],
    );
    return id;
  }

  reviewRows(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<ReviewRow[]> {
    return queryRows<ReviewRow>(
      m,
      `SELECT r.id, r.network_id, r.reviewer_id, r.reviewed_on::text AS reviewed_on, r.comment, r.version, r.created_at, r.created_at::text AS created_key,
              COALESCE((SELECT json_agg(json_build_object('factor', s.factor, 'score', s.score, 'note', s.note))
                          FROM network_review_scores s WHERE s.review_id = r.id), '[]') AS factors
         FROM network_reviews r WHERE ${where} ${tail}`,
      params,
    );
  }

  /** A network's reviews, newest first: one page (limit + 1 rows) before the cursor (reviewed_on, created_at, id). */
  listReviews(m: EntityManager, networkId: string, after: [string, string, string] | null | undefined, limit: number): Promise<ReviewRow[]> {
    return this.reviewRows(
      m,
      `r.network_id = $1 ${after ? 'AND (r.reviewed_on, r.created_at, r.id) < ($2::date, $3::timestamptz, $4::uuid)' : ''}`,
      after ? [networkId, ...after] : [networkId],
      `ORDER BY r.reviewed_on DESC, r.created_at DESC, r.id DESC LIMIT ${limit + 1}`,
    );
  }

  /** Per factor: the network's scores oldest to newest and their average. */
  factorTrends(m: EntityManager, networkId: string): Promise<{ factor: string; scores: number[]; average: number }[]> {
    return queryRows<{ factor: string; scores: number[]; average: number }>(
      m,
      `SELECT s.factor, array_agg(s.score::int ORDER BY r.reviewed_on, r.created_at, r.id) AS scores,
              round(avg(s.score), 2)::float8 AS average
         FROM network_reviews r JOIN network_review_scores s ON s.review_id = r.id
        WHERE r.network_id = $1
        GROUP BY s.factor`,
      [networkId],
    );
  }

  async conflictExists(m: EntityManager, userId: string, organisationId: string): Promise<boolean> {
    const [existing] = await queryRows(m, 'SELECT 1 FROM conflicts_of_interest WHERE user_id = $1 AND organisation_id = $2', [userId, organisationId]);
    return !!existing;
  }

  async insertConflict(
    m: EntityManager,
    c: { userId: string; organisationId: string; description: string | null; declaredBy: string | null },
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO conflicts_of_interest (user_id, organisation_id, description, declared_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [c.userId, c.organisationId, c.description, c.declaredBy],
    );
    return id;
  }

  /** Locks a membership row for a change in this transaction (If-Match is checked on what the lock sees). */
  async lockMembership(m: EntityManager, id: string): Promise<void> {
    await m.query('SELECT 1 FROM network_memberships WHERE id = $1 FOR UPDATE', [id]);
  }

  /** Locks a conflict-of-interest row for its withdrawal in this transaction. */
  async lockConflict(m: EntityManager, id: string): Promise<void> {
    await m.query('SELECT 1 FROM conflicts_of_interest WHERE id = $1 FOR UPDATE', [id]);
  }

  async deleteConflict(m: EntityManager, id: string): Promise<void> {
    await m.query('DELETE FROM conflicts_of_interest WHERE id = $1', [id]);
  }

  async findConflict(m: EntityManager, id: string): Promise<ConflictRow | undefined> {
    const [row] = await conflictRows(m, 'ci.id = $1', [id]);
    return row;
  }

  /** A user's conflicts, oldest first: one page (limit + 1 rows) after the cursor. */
  listConflicts(m: EntityManager, userId: string, cursor: string | undefined, limit: number): Promise<ConflictRow[]> {
    const params: unknown[] = [userId];
    const after = afterCreated(cursor, 'ci', 'asc', (v) => `$${params.push(v)}`);
    return conflictRows(m, `ci.user_id = $1 ${after ? `AND ${after}` : ''}`, params, `ORDER BY ci.created_at, ci.id LIMIT ${limit + 1}`);
  }
}
