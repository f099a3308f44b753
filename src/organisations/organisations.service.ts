import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { Page, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import { ListOrganisationsQueryDto } from './dto/list-organisations.query.dto.js';
import { OrganisationResponseDto } from './dto/organisation.response.dto.js';
import { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import { OrganisationRow, toOrganisationResponse } from './organisation.mapper.js';
import { OrganisationsRepository } from './organisations.repository.js';
import { UsersRepository } from '../users/users.repository.js';

/** Columns a body may write, property → column. */
const WRITABLE: [keyof CreateOrganisationDto, string][] = [
  ['name', 'name'],
  ['kind', 'kind'],
  ['website', 'website'],
  ['emailDomains', 'email_domains'],
  ['parentId', 'parent_id'],
  ['tags', 'tags'],
  ['notes', 'notes'],
  ['ownerId', 'owner_id'],
  ['networkType', 'network_type'],
  ['networkGoals', 'network_goals'],
  ['networkRules', 'network_rules'],
];
const NETWORK_FIELDS = ['networkType', 'networkGoals', 'networkRules'] as const;
/** Trigram word similarity needed for a name to match `q`. */
export const NAME_MATCH_THRESHOLD = 0.4;

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: OrganisationsRepository,
    private readonly users: UsersRepository,
  ) {}

  async create(dto: CreateOrganisationDto): Promise<OrganisationResponseDto> {
    const kind = dto.kind ?? 'other';
    this.assertNetworkFields(kind, dto);
    await this.assertReferences(dto);
    const values: [string, unknown][] = [];
    for (const [prop, col] of WRITABLE) {
      const v = prop === 'kind' ? kind : dto[prop];
      if (v === undefined || v === null) continue;
      values.push([col, prop === 'tags' || prop === 'emailDomains' ? dedupe(v as string[]) : v]);
    }
    const created = toOrganisationResponse(await this.repo.insert(this.tx.manager, values));
    await this.audit.record({
      action: 'create',
      entityType: 'organisation',
      entityId: created.id,
      after: created,
    });
    return created;
  }

  async findOne(id: string): Promise<OrganisationResponseDto> {
    return toOrganisationResponse(await this.load(id));
  }

  async list(q: ListOrganisationsQueryDto): Promise<Page<OrganisationResponseDto>> {
    const limit = pageSize(q);
    const term = q.q?.normalize('NFC').trim().toLowerCase();
    if (term) {
      const rows = await this.tx.run((m) => this.repo.search(m, q, term, NAME_MATCH_THRESHOLD, limit));
      return toPage(rows, limit, toOrganisationResponse, (r) => [r.score, r.id]);
    }
    const rows = await this.repo.list(this.tx.manager, q, limit);
    return toPage(rows, limit, toOrganisationResponse, (r) => [r.created_key, r.id]);
  }

  async update(id: string, dto: UpdateOrganisationDto, ifMatch: IfMatch): Promise<OrganisationResponseDto> {
    const current = await this.load(id, true);
    assertIfMatch(ifMatch, current.version);
    if (dto.name === null) {
      throw new ValidationFailedError('name may not be null', [
        { field: 'name', message: 'name may not be null' },
      ]);
    }
    if (dto.kind === null) {
      throw new ValidationFailedError('kind may not be null', [
        { field: 'kind', message: 'kind may not be null' },
      ]);
    }
    const kind = dto.kind ?? current.kind;
    const merged = {
      networkType: dto.networkType !== undefined ? dto.networkType : current.network_type,
      networkGoals: dto.networkGoals !== undefined ? dto.networkGoals : current.network_goals,
      networkRules: dto.networkRules !== undefined ? dto.networkRules : current.network_rules,
    };
    this.assertNetworkFields(kind, merged);
    await this.assertReferences(dto, id);
    const before = toOrganisationResponse(current);
    const sets: [string, unknown][] = [];
    for (const [prop, col] of WRITABLE) {
      const v = dto[prop];
      if (v === undefined) continue;
      const stored = v === null && (prop === 'tags' || prop === 'emailDomains') ? [] : Array.isArray(v) ? dedupe(v) : v;
      // An unchanged value is not a change: no new version, no audit event, other clients' ETags stay valid.
      if (JSON.stringify(stored) === JSON.stringify((before as unknown as Record<string, unknown>)[prop] ?? null)) continue;
      sets.push([col, stored]);
    }
    if (sets.length === 0) return before;
    const after = toOrganisationResponse(await this.repo.update(this.tx.manager, id, sets));
    await this.audit.record({ action: 'update', entityType: 'organisation', entityId: id, before, after });
    return after;
  }

  /** DELETE archives: the organisation leaves lists but stays readable and referenced. */
  async archive(id: string, ifMatch: IfMatch): Promise<void> {
    const current = await this.load(id, true);
    assertIfMatch(ifMatch, current.version);
    if (current.archived_at) return;
    await this.setArchived(current, true);
  }

  async restore(id: string): Promise<OrganisationResponseDto> {
    const current = await this.load(id, true);
    if (!current.archived_at) return toOrganisationResponse(current);
    return this.setArchived(current, false);
  }

  private async setArchived(current: OrganisationRow, archived: boolean): Promise<OrganisationResponseDto> {
    const after = toOrganisationResponse(await this.repo.setArchived(this.tx.manager, current.id, archived));
    await this.audit.record({
      action: archived ? 'archive' : 'restore',
      entityType: 'organisation',
      entityId: current.id,
      before: toOrganisationResponse(current),
      after,
    });
    return after;
  }

  /** Throws 404 for an unknown organisation; `lock` takes a row lock for the rest of the transaction. */
  async load(id: string, lock = false): Promise<OrganisationRow> {
    const row = await this.repo.findById(this.tx.manager, id, lock && this.tx.inTransaction);
    if (!row) throw new NotFoundError('Organisation', id);
    return row;
  }

  private assertNetworkFields(
    kind: string,
    dto: Partial<Record<(typeof NETWORK_FIELDS)[number], unknown>>,
  ): void {
    if (kind === 'network') return;
    const set = NETWORK_FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== null);
    if (set.length) {
      throw new ValidationFailedError(
        `${set.join(', ')} only apply to organisations of kind network`,
        set.map((field) => ({ field, message: `${field} only applies to organisations of kind network` })),
      );
    }
  }

  /** Parent and owner must exist; a parent chain must not lead back to the organisation itself. */
  private async assertReferences(dto: Partial<CreateOrganisationDto>, selfId?: string): Promise<void> {
    const m = this.tx.manager;
    if (dto.ownerId) {
      if (!(await this.users.exists(m, dto.ownerId))) {
        throw new ValidationFailedError(`ownerId ${dto.ownerId} is not a user`, [
          { field: 'ownerId', message: 'no such user' },
        ]);
      }
    }
    if (dto.parentId) {
      if (!(await this.repo.exists(m, dto.parentId))) {
        throw new ValidationFailedError(`parentId ${dto.parentId} is not an organisation`, [
          { field: 'parentId', message: 'no such organisation' },
        ]);
      }
      if (selfId) {
        if (await this.repo.isAncestorOrSelf(m, dto.parentId, selfId)) {
          throw new DomainError(
            'ORGANISATION_CYCLE',
            'parentId would make the organisation its own ancestor',
            400,
            [{ field: 'parentId', message: 'the parent chain would form a cycle' }],
          );
        }
      }
    }
  }
}

export const dedupe = (values: string[]): string[] => Array.from(new Set(values));
