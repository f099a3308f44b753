import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { afterCreated, decodeCursor, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso, queryRows } from '../database/sql.js';
import {
  ConflictResponseDto,
  CreateConflictDto,
  CreateMembershipDto,
  CreateReviewDto,
  FactorTrendDto,
  MembershipResponseDto,
  ReviewListResponseDto,
  ReviewResponseDto,
  SUCCESS_FACTORS,
  SuccessFactor,
} from './dto/network.dto.js';

const dateOnly = (d: Date | string | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

interface MembershipRow {
  id: string;
  network_id: string;
  member_organisation_id: string | null;
  member_organisation_name: string | null;
  user_id: string | null;
  user_name: string | null;
  role: string | null;
  since: string | null;
  until: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  created_key: string;
}

const MEMBERSHIP_COLUMNS = `nm.id, nm.network_id, nm.member_organisation_id, o.name AS member_organisation_name, nm.user_id,
  u.name AS user_name, nm.role, nm.since::text AS since, nm.until::text AS until,
  (nm.until IS NULL OR nm.until >= current_date) AS active, nm.version, nm.created_at, nm.created_at::text AS created_key
  FROM network_memberships nm LEFT JOIN organisations o ON o.id = nm.member_organisation_id LEFT JOIN users u ON u.id = nm.user_id`;

const toMembership = (r: MembershipRow): MembershipResponseDto => ({
  id: r.id,
  networkId: r.network_id,
  memberOrganisationId: r.member_organisation_id,
  memberOrganisationName: r.member_organisation_name,
  userId: r.user_id,
  userName: r.user_name,
  role: r.role,
  since: r.since,
  until: r.until,
  active: r.active,
  version: r.version,
  createdAt: iso(r.created_at)!,
});

interface ReviewRow {
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

const toReview = (r: ReviewRow): ReviewResponseDto => {
  const factors = {} as ReviewResponseDto['factors'];
  for (const f of SUCCESS_FACTORS) factors[f] = { score: 0, note: null };
  let sum = 0;
  for (const f of r.factors) {
    factors[f.factor] = { score: f.score, note: f.note };
    sum += f.score;
  }
  return {
    id: r.id,
    networkId: r.network_id,
    reviewerId: r.reviewer_id,
    reviewedOn: dateOnly(r.reviewed_on)!,
    comment: r.comment,
    factors,
    average: Math.round((sum / SUCCESS_FACTORS.length) * 100) / 100,
    version: r.version,
    createdAt: iso(r.created_at)!,
  };
};

@Injectable()
export class NetworksService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  /** Memberships go into organisations of kind `network` only (409 `NOT_A_NETWORK` otherwise). */
  async addMembership(networkId: string, dto: CreateMembershipDto, p: Principal): Promise<MembershipResponseDto> {
    const m = this.tx.manager;
    if ((dto.memberOrganisationId === undefined) === (dto.userId === undefined)) {
      throw new ValidationFailedError('Give exactly one of memberOrganisationId and userId', [
        { field: 'memberOrganisationId', message: 'exactly one of memberOrganisationId and userId is required' },
      ]);
    }
    if (dto.since && dto.until && dto.until < dto.since) {
      throw new ValidationFailedError('until is before since', [{ field: 'until', message: 'until must not be before since' }]);
    }
    await this.assertNetwork(m, networkId);
    if (dto.memberOrganisationId) {
      if (dto.memberOrganisationId === networkId) {
        throw new ValidationFailedError('A network cannot be its own member', [{ field: 'memberOrganisationId', message: 'must not be the network itself' }]);
      }
      const [o] = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [dto.memberOrganisationId]);
      if (!o) throw new NotFoundError('Organisation', dto.memberOrganisationId);
    }
    if (dto.userId) {
      const [u] = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [dto.userId]);
      if (!u) throw new NotFoundError('User', dto.userId);
    }
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO network_memberships (network_id, member_organisation_id, user_id, role, since, until, created_by)
       VALUES ($1, $2, $3, $4, $5::date, $6::date, $7) RETURNING id`,
      [networkId, dto.memberOrganisationId ?? null, dto.userId ?? null, dto.role ?? null, dto.since ?? null, dto.until ?? null, actorIdOf(p)],
    );
    const [row] = await queryRows<MembershipRow>(m, `SELECT ${MEMBERSHIP_COLUMNS} WHERE nm.id = $1`, [id]);
    const created = toMembership(row);
    await this.audit.record({ action: 'create', entityType: 'network_membership', entityId: id, after: created });
    return created;
  }

  async listMemberships(networkId: string, q: PageQueryDto): Promise<Page<MembershipResponseDto>> {
    const m = this.tx.manager;
    const [o] = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [networkId]);
    if (!o) throw new NotFoundError('Organisation', networkId);
    const limit = pageSize(q);
    const params: unknown[] = [networkId];
    const after = afterCreated(q.cursor, 'nm', 'asc', (v) => `$${params.push(v)}`);
    const rows = await queryRows<MembershipRow>(
      m,
      `SELECT ${MEMBERSHIP_COLUMNS} WHERE nm.network_id = $1 ${after ? `AND ${after}` : ''}
       ORDER BY nm.created_at, nm.id LIMIT ${limit + 1}`,
      params,
    );
    return toPage(rows, limit, toMembership, (r) => [r.created_key, r.id]);
  }

  async addReview(networkId: string, dto: CreateReviewDto, p: Principal): Promise<ReviewResponseDto> {
    const m = this.tx.manager;
    await this.assertNetwork(m, networkId);
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO network_reviews (network_id, reviewer_id, reviewed_on, comment, created_by)
       VALUES ($1, $2, COALESCE($3::date, current_date), $4, $5) RETURNING id`,
      [networkId, p.userId, dto.reviewedOn ?? null, dto.comment ?? null, actorIdOf(p)],
    );
    const factors = SUCCESS_FACTORS.map((f) => dto.factors[f]);
    await m.query(
      `INSERT INTO network_review_scores (review_id, factor, score, note)
       SELECT $1, f, s, n FROM unnest($2::text[], $3::int[], $4::text[]) AS t(f, s, n)`,
      [id, [...SUCCESS_FACTORS], factors.map((f) => f.score), factors.map((f) => f.note ?? null)],
    );
    const [row] = await this.reviewRows(m, 'r.id = $1', [id]);
    const created = toReview(row);
    await this.audit.record({ action: 'create', entityType: 'network_review', entityId: id, after: created });
    return created;
  }

  /** Reviews newest first, and per factor the scores oldest to newest with the latest change. */
  async listReviews(networkId: string, q: PageQueryDto): Promise<ReviewListResponseDto> {
    const m = this.tx.manager;
    const [o] = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [networkId]);
    if (!o) throw new NotFoundError('Organisation', networkId);
    const limit = pageSize(q);
    const after = decodeCursor<[string, string, string]>(q.cursor, 3);
    const rows = await this.reviewRows(
      m,
      `r.network_id = $1 ${after ? 'AND (r.reviewed_on, r.created_at, r.id) < ($2::date, $3::timestamptz, $4::uuid)' : ''}`,
      after ? [networkId, ...after] : [networkId],
      `ORDER BY r.reviewed_on DESC, r.created_at DESC, r.id DESC LIMIT ${limit + 1}`,
    );
    const page = toPage(rows, limit, toReview, (r) => [dateOnly(r.reviewed_on), r.created_key, r.id]);
    const trendRows = await queryRows<{ factor: string; scores: number[]; average: number }>(
      m,
      `SELECT s.factor, array_agg(s.score::int ORDER BY r.reviewed_on, r.created_at, r.id) AS scores,
              round(avg(s.score), 2)::float8 AS average
         FROM network_reviews r JOIN network_review_scores s ON s.review_id = r.id
        WHERE r.network_id = $1
        GROUP BY s.factor`,
      [networkId],
    );
    const trend: FactorTrendDto[] = [];
    for (const factor of SUCCESS_FACTORS) {
      const t = trendRows.find((x) => x.factor === factor);
      if (!t) continue;
      const scores = t.scores;
      const latest = scores[scores.length - 1];
      const previous = scores.length > 1 ? scores[scores.length - 2] : null;
      const change = previous === null ? 0 : latest - previous;
      trend.push({ factor, scores, first: scores[0], latest, previous, change, average: t.average, direction: change > 0 ? 'up' : change < 0 ? 'down' : 'flat' });
    }
    return { ...page, trend };
  }

  /** Staff declare their own conflicts; admins any. */
  async declareConflict(userId: string, dto: CreateConflictDto, p: Principal): Promise<ConflictResponseDto> {
    if (p.role !== 'admin' && p.userId !== userId) throw new ForbiddenError('Staff may only declare their own conflicts of interest');
    const m = this.tx.manager;
    const [u] = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [userId]);
    if (!u) throw new NotFoundError('User', userId);
    const [o] = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [dto.organisationId]);
    if (!o) throw new NotFoundError('Organisation', dto.organisationId);
    const [existing] = await queryRows(m, 'SELECT 1 FROM conflicts_of_interest WHERE user_id = $1 AND organisation_id = $2', [userId, dto.organisationId]);
    if (existing) throw new ConflictError('CONFLICT_ALREADY_DECLARED', 'This conflict of interest is already declared');
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO conflicts_of_interest (user_id, organisation_id, description, declared_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [userId, dto.organisationId, dto.description ?? null, actorIdOf(p)],
    );
    const [{ dto: created }] = await this.conflictRows(m, 'ci.id = $1', [id]);
    await this.audit.record({ action: 'create', entityType: 'conflict_of_interest', entityId: id, after: created });
    return created;
  }

  async listConflicts(userId: string, q: PageQueryDto, p: Principal): Promise<Page<ConflictResponseDto>> {
    if (p.role === 'staff' && p.userId !== userId) throw new ForbiddenError('Staff may only read their own conflicts of interest');
    const m = this.tx.manager;
    const [u] = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [userId]);
    if (!u) throw new NotFoundError('User', userId);
    const limit = pageSize(q);
    const params: unknown[] = [userId];
    const after = afterCreated(q.cursor, 'ci', 'asc', (v) => `$${params.push(v)}`);
    const rows = await this.conflictRows(
      m,
      `ci.user_id = $1 ${after ? `AND ${after}` : ''}`,
      params,
      `ORDER BY ci.created_at, ci.id LIMIT ${limit + 1}`,
    );
    return toPage(rows, limit, (r) => r.dto, (r) => [r.key, r.dto.id]);
  }

  private async conflictRows(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<{ dto: ConflictResponseDto; key: string }[]> {
    const rows = await queryRows<{ id: string; user_id: string; organisation_id: string; name: string; description: string | null; declared_by: string | null; version: number; created_at: Date; created_key: string }>(
      m,
      `SELECT ci.id, ci.user_id, ci.organisation_id, o.name, ci.description, ci.declared_by, ci.version, ci.created_at,
              ci.created_at::text AS created_key
         FROM conflicts_of_interest ci JOIN organisations o ON o.id = ci.organisation_id WHERE ${where} ${tail}`,
      params,
    );
    return rows.map((r) => ({
      key: r.created_key,
      dto: {
        id: r.id,
        userId: r.user_id,
        organisationId: r.organisation_id,
        organisationName: r.name,
        description: r.description,
        declaredBy: r.declared_by,
        version: r.version,
        createdAt: iso(r.created_at)!,
      },
    }));
  }

  private reviewRows(m: EntityManager, where: string, params: unknown[], tail = ''): Promise<ReviewRow[]> {
    return queryRows<ReviewRow>(
      m,
      `SELECT r.id, r.network_id, r.reviewer_id, r.reviewed_on::text AS reviewed_on, r.comment, r.version, r.created_at, r.created_at::text AS created_key,
              COALESCE((SELECT json_agg(json_build_object('factor', s.factor, 'score', s.score, 'note', s.note))
                          FROM network_review_scores s WHERE s.review_id = r.id), '[]') AS factors
         FROM network_reviews r WHERE ${where} ${tail}`,
      params,
    );
  }

  private async assertNetwork(m: EntityManager, id: string): Promise<void> {
    const [o] = await queryRows<{ kind: string }>(m, 'SELECT kind FROM organisations WHERE id = $1', [id]);
    if (!o) throw new NotFoundError('Organisation', id);
    if (o.kind !== 'network') throw new ConflictError('NOT_A_NETWORK', `Organisation ${id} is not of kind network`);
  }
}
