import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { decodeCursor, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso } from '../database/sql.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  ConflictResponseDto,
  CreateConflictDto,
  CreateMembershipDto,
  CreateReviewDto,
  FactorTrendDto,
  MembershipResponseDto,
  UpdateMembershipDto,
  ReviewListResponseDto,
  ReviewResponseDto,
  SUCCESS_FACTORS,
} from './dto/network.dto.js';
import { ConflictRow, MembershipRow, NetworksRepository, ReviewRow } from './networks.repository.js';

const dateOnly = (d: Date | string | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

const toMembership = (r: MembershipRow): MembershipResponseDto => ({
  id: r.id,
  networkId: r.network_id,
  memberOrganisationId: r.member_organisation_id,
  memberOrganisationName: r.member_organisation_name,
  userId: r.user_id,
  userName: r.user_name,
  memberContactId: r.member_contact_id,
  networkName: r.network_name,
  role: r.role,
  since: r.since,
  until: r.until,
  active: r.active,
  version: r.version,
  createdAt: iso(r.created_at)!,
});

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

const toConflict = (r: ConflictRow): ConflictResponseDto => ({
  id: r.id,
  userId: r.user_id,
  organisationId: r.organisation_id,
  organisationName: r.name,
  description: r.description,
  declaredBy: r.declared_by,
  version: r.version,
  createdAt: iso(r.created_at)!,
});

@Injectable()
export class NetworksService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: NetworksRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly users: UsersRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  /** Memberships go into organisations of kind `network` only (409 `NOT_A_NETWORK` otherwise). */
  async addMembership(networkId: string, dto: CreateMembershipDto, p: Principal): Promise<MembershipResponseDto> {
    const m = this.tx.manager;
    const members = [dto.memberOrganisationId, dto.userId, dto.memberContactId].filter((v) => v !== undefined && v !== null);
    if (members.length !== 1) {
      throw new ValidationFailedError('Give exactly one of memberOrganisationId, userId and memberContactId', [
        { field: 'memberOrganisationId', message: 'exactly one of memberOrganisationId, userId and memberContactId is required' },
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
      if (!(await this.organisations.exists(m, dto.memberOrganisationId))) throw new NotFoundError('Organisation', dto.memberOrganisationId);
    }
    if (dto.userId) {
      if (!(await this.users.exists(m, dto.userId))) throw new NotFoundError('User', dto.userId);
    }
    if (dto.memberContactId) {
      if (!(await this.contacts.existsLive(m, dto.memberContactId))) throw new NotFoundError('Contact', dto.memberContactId);
      if (await this.repo.contactIsActiveMember(m, networkId, dto.memberContactId)) {
        throw new ConflictError('MEMBERSHIP_EXISTS', 'The contact is already a member of this network');
      }
    }
    const id = await this.repo.insertMembership(m, {
      networkId,
      memberOrganisationId: dto.memberOrganisationId ?? null,
      userId: dto.userId ?? null,
      memberContactId: dto.memberContactId ?? null,
      role: dto.role ?? null,
      since: dto.since ?? null,
      until: dto.until ?? null,
      createdBy: actorIdOf(p),
    });
    const created = toMembership((await this.repo.findMembership(m, id))!);
    await this.audit.record({ action: 'create', entityType: 'network_membership', entityId: id, contactId: dto.memberContactId ?? null, after: created });
    return created;
  }

  /** Corrects or ends a membership (`until`); If-Match honoured. */
  async updateMembership(networkId: string, membershipId: string, dto: UpdateMembershipDto, ifMatch: IfMatch): Promise<MembershipResponseDto> {
    const m = this.tx.manager;
    if (!(await this.organisations.exists(m, networkId))) throw new NotFoundError('Organisation', networkId);
    await this.repo.lockMembership(m, membershipId);
    const row = await this.repo.findMembership(m, membershipId);
    if (!row || row.network_id !== networkId) throw new NotFoundError('Membership', membershipId);
    assertIfMatch(ifMatch, row.version);
    const since = dto.since !== undefined ? dto.since : row.since;
    const until = dto.until !== undefined ? dto.until : row.until;
    if (since && until && until < since) {
      throw new ValidationFailedError('until is before since', [{ field: 'until', message: 'until must not be before since' }]);
    }
    const before = toMembership(row);
    await this.repo.updateMembership(m, membershipId, { role: dto.role, since: dto.since, until: dto.until });
    const after = toMembership((await this.repo.findMembership(m, membershipId))!);
    const action = dto.until && !row.until ? 'end' : 'update';
    await this.audit.record({ action, entityType: 'network_membership', entityId: membershipId, contactId: row.member_contact_id, before, after });
    return after;
  }

  /** The networks the contact is (or was) a member of, oldest membership first. */
  async membershipsOfContact(contactId: string, q: PageQueryDto): Promise<Page<MembershipResponseDto>> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const limit = pageSize(q);
    const rows = await this.repo.listMembershipsOfContact(m, contactId, q.cursor, limit);
    return toPage(rows, limit, toMembership, (r) => [r.created_key, r.id]);
  }

  async listMemberships(networkId: string, q: PageQueryDto): Promise<Page<MembershipResponseDto>> {
    const m = this.tx.manager;
    if (!(await this.organisations.exists(m, networkId))) throw new NotFoundError('Organisation', networkId);
    const limit = pageSize(q);
    const rows = await this.repo.listMemberships(m, networkId, q.cursor, limit);
    return toPage(rows, limit, toMembership, (r) => [r.created_key, r.id]);
  }

  async addReview(networkId: string, dto: CreateReviewDto, p: Principal): Promise<ReviewResponseDto> {
    const m = this.tx.manager;
    await this.assertNetwork(m, networkId);
    const id = await this.repo.insertReview(
      m,
      { networkId, reviewerId: p.userId, reviewedOn: dto.reviewedOn ?? null, comment: dto.comment ?? null, createdBy: actorIdOf(p) },
      SUCCESS_FACTORS.map((f) => ({ factor: f, score: dto.factors[f].score, note: dto.factors[f].note ?? null })),
    );
    const [row] = await this.repo.reviewRows(m, 'r.id = $1', [id]);
    const created = toReview(row);
    await this.audit.record({ action: 'create', entityType: 'network_review', entityId: id, after: created });
    return created;
  }

  /** Reviews newest first, and per factor the scores oldest to newest with the latest change. */
  async listReviews(networkId: string, q: PageQueryDto): Promise<ReviewListResponseDto> {
    const m = this.tx.manager;
    if (!(await this.organisations.exists(m, networkId))) throw new NotFoundError('Organisation', networkId);
    const limit = pageSize(q);
    const after = decodeCursor<[string, string, string]>(q.cursor, 3);
    const rows = await this.repo.listReviews(m, networkId, after, limit);
    const page = toPage(rows, limit, toReview, (r) => [dateOnly(r.reviewed_on), r.created_key, r.id]);
    const trendRows = await this.repo.factorTrends(m, networkId);
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
    if (!(await this.users.exists(m, userId))) throw new NotFoundError('User', userId);
    if (!(await this.organisations.exists(m, dto.organisationId))) throw new NotFoundError('Organisation', dto.organisationId);
    if (await this.repo.conflictExists(m, userId, dto.organisationId)) throw new ConflictError('CONFLICT_ALREADY_DECLARED', 'This conflict of interest is already declared');
    const id = await this.repo.insertConflict(m, {
      userId,
      organisationId: dto.organisationId,
      description: dto.description ?? null,
      declaredBy: actorIdOf(p),
    });
    const created = toConflict((await this.repo.findConflict(m, id))!);
    await this.audit.record({ action: 'create', entityType: 'conflict_of_interest', entityId: id, after: created });
    return created;
  }

  /** Withdraws a declared conflict of interest (it no longer holds): staff their own, admins any; audited. */
  async withdrawConflict(userId: string, conflictId: string, p: Principal, ifMatch: IfMatch): Promise<void> {
    if (p.role !== 'admin' && p.userId !== userId) throw new ForbiddenError('Staff may only withdraw their own conflicts of interest');
    const m = this.tx.manager;
    await this.repo.lockConflict(m, conflictId);
    const row = await this.repo.findConflict(m, conflictId);
    if (!row || row.user_id !== userId) throw new NotFoundError('Conflict of interest', conflictId);
    assertIfMatch(ifMatch, row.version);
    await this.repo.deleteConflict(m, conflictId);
    await this.audit.record({ action: 'withdraw', entityType: 'conflict_of_interest', entityId: conflictId, before: toConflict(row) });
  }

  async listConflicts(userId: string, q: PageQueryDto, p: Principal): Promise<Page<ConflictResponseDto>> {
    if (p.role === 'staff' && p.userId !== userId) throw new ForbiddenError('Staff may only read their own conflicts of interest');
    const m = this.tx.manager;
    if (!(await this.users.exists(m, userId))) throw new NotFoundError('User', userId);
    const limit = pageSize(q);
    const rows = await this.repo.listConflicts(m, userId, q.cursor, limit);
    return toPage(rows, limit, toConflict, (r) => [r.created_key, r.id]);
  }

  private async assertNetwork(m: EntityManager, id: string): Promise<void> {
    const kind = await this.organisations.kindOf(m, id);
    if (kind === null) throw new NotFoundError('Organisation', id);
    if (kind !== 'network') throw new ConflictError('NOT_A_NETWORK', `Organisation ${id} is not of kind network`);
  }
}
