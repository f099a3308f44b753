import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { afterCreated, decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import { ListOrganisationsQueryDto } from './dto/list-organisations.query.dto.js';
import { OrganisationResponseDto } from './dto/organisation.response.dto.js';
import { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import { ORGANISATION_COLUMNS, OrganisationRow, toOrganisationResponse } from './organisation.mapper.js';
import { queryRows } from '../database/query-rows.js';

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
  ) {}

  async create(dto: CreateOrganisationDto): Promise<OrganisationResponseDto> {
    const kind = dto.kind ?? 'other';
    this.assertNetworkFields(kind, dto);
    await this.assertReferences(dto);
    const cols: string[] = [];
    const vals: unknown[] = [];
    for (const [prop, col] of WRITABLE) {
      const v = prop === 'kind' ? kind : dto[prop];
      if (v === undefined || v === null) continue;
      cols.push(col);
      vals.push(prop === 'tags' || prop === 'emailDomains' ? dedupe(v as string[]) : v);
    }
    const rows: OrganisationRow[] = await this.tx.manager.query(
      `INSERT INTO organisations AS o (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
       RETURNING ${ORGANISATION_COLUMNS}`,
      vals,
    );
    const created = toOrganisationResponse(rows[0]);
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
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    if (!q.includeArchived) where.push('o.archived_at IS NULL');
    if (q.kind) where.push(`o.kind = ${p(q.kind)}`);
    if (q.parentId) where.push(`o.parent_id = ${p(q.parentId)}`);
    if (q.tag) where.push(`o.tags @> ARRAY[${p(q.tag)}]::text[]`);
    const term = q.q?.normalize('NFC').trim().toLowerCase();
    if (term) {
      const t = p(term);
      where.push(`(${t} <% lower(o.name) OR strpos(lower(o.name), ${t}) > 0)`);
      const after = decodeCursor<[string, string]>(q.cursor, 2);
      const cursorCond = after
        ? `WHERE (s.score < ${p(after[0])}::numeric OR (s.score = ${p(after[0])}::numeric AND s.id > ${p(after[1])}::uuid))`
        : '';
      const rows: OrganisationRow[] = await this.tx.run(async (m) => {
        await m.query(
          `SELECT set_config('pg_trgm.word_similarity_threshold', '${NAME_MATCH_THRESHOLD}', true)`,
        );
        return m.query(
          `SELECT * FROM (
             SELECT ${ORGANISATION_COLUMNS},
               round(greatest(word_similarity(${t}, lower(o.name)), similarity(${t}, lower(o.name)),
                              CASE WHEN lower(o.name) = ${t} THEN 1 ELSE 0 END)::numeric, 6) AS score
             FROM organisations o WHERE ${where.join(' AND ')}) s
           ${cursorCond}
           ORDER BY s.score DESC, s.id ASC LIMIT ${limit + 1}`,
          params,
        );
      });
      return toPage(rows, limit, toOrganisationResponse, (r) => [r.score, r.id]);
    }
    const after = afterCreated(q.cursor, 'o', 'asc', p);
    if (after) where.push(after);
    const rows: OrganisationRow[] = await this.tx.manager.query(
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations o ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY o.created_at, o.id LIMIT ${limit + 1}`,
      params,
    );
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
    const sets: string[] = [];
    const vals: unknown[] = [id];
    for (const [prop, col] of WRITABLE) {
      const v = dto[prop];
      if (v === undefined) continue;
      const stored = v === null && (prop === 'tags' || prop === 'emailDomains') ? [] : Array.isArray(v) ? dedupe(v) : v;
      // An unchanged value is not a change: no new version, no audit event, other clients' ETags stay valid.
      if (JSON.stringify(stored) === JSON.stringify((before as unknown as Record<string, unknown>)[prop] ?? null)) continue;
      sets.push(`${col} = $${vals.push(stored)}`);
    }
    if (sets.length === 0) return before;
    const rows = await queryRows<OrganisationRow>(
      this.tx.manager,
      `UPDATE organisations o SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1
       RETURNING ${ORGANISATION_COLUMNS}`,
      vals,
    );
    const after = toOrganisationResponse(rows[0]);
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
    const rows = await queryRows<OrganisationRow>(
      this.tx.manager,
      `UPDATE organisations o SET archived_at = ${archived ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${ORGANISATION_COLUMNS}`,
      [current.id],
    );
    const after = toOrganisationResponse(rows[0]);
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
    const rows: OrganisationRow[] = await this.tx.manager.query(
      `SELECT ${ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1 ${lock && this.tx.inTransaction ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Organisation', id);
    return rows[0];
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
      const u: unknown[] = await m.query('SELECT 1 FROM users WHERE id = $1', [dto.ownerId]);
      if (!u.length) {
        throw new ValidationFailedError(`ownerId ${dto.ownerId} is not a user`, [
          { field: 'ownerId', message: 'no such user' },
        ]);
      }
    }
    if (dto.parentId) {
      const o: unknown[] = await m.query('SELECT 1 FROM organisations WHERE id = $1', [dto.parentId]);
      if (!o.length) {
        throw new ValidationFailedError(`parentId ${dto.parentId} is not an organisation`, [
          { field: 'parentId', message: 'no such organisation' },
        ]);
      }
      if (selfId) {
        const cycle: unknown[] = await m.query(
          `WITH RECURSIVE up(id, depth) AS (
             SELECT $1::uuid, 0
             UNION ALL
             SELECT o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.id
             WHERE o.parent_id IS NOT NULL AND up.depth < 1000)
           SELECT 1 FROM up WHERE id = $2::uuid LIMIT 1`,
          [dto.parentId, selfId],
        );
        if (cycle.length) {
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
