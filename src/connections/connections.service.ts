import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { assertIfMatch, type IfMatch } from '../common/http/etag.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso } from '../database/sql.js';
import { ConnectionRow, ConnectionsRepository } from './connections.repository.js';
import {
  ConnectionResponseDto,
  CreateConnectionDto,
  IntroductionsQueryDto,
  IntroductionsResponseDto,
  MAX_HOPS_DEFAULT,
  SYMMETRIC_KINDS,
} from './dto/connection.dto.js';
import { introductionChains } from './introductions.query.js';

/** At most this many chains are answered (strongest first). */
export const MAX_INTRODUCTIONS = 20;

/** A connection seen from one of its contacts. */
export const toConnection = (r: ConnectionRow, seenFrom: string): ConnectionResponseDto => {
  const outgoing = r.from_contact_id === seenFrom;
  return {
    id: r.id,
    contactId: outgoing ? r.to_contact_id : r.from_contact_id,
    kind: r.kind,
    direction: outgoing ? 'outgoing' : 'incoming',
    directed: !SYMMETRIC_KINDS.includes(r.kind),
    fromContactId: r.from_contact_id,
    toContactId: r.to_contact_id,
    note: r.note,
    version: r.version,
    createdAt: iso(r.created_at)!,
  };
};

/** Contacts who know each other (typed, directed where the kind is) and the warm introductions they open. */
@Injectable()
export class ConnectionsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: ConnectionsRepository,
    private readonly contacts: ContactsRepository,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** Between two distinct contacts that exist and are not erased; the same pair and kind twice is a 409. */
  async create(contactId: string, dto: CreateConnectionDto, p: Principal): Promise<ConnectionResponseDto> {
    const m = this.tx.manager;
    if (!(await this.contacts.existsLive(m, contactId))) throw new NotFoundError('Contact', contactId);
    if (dto.contactId === contactId) {
      throw new ValidationFailedError('A contact cannot be connected to itself', [{ field: 'contactId', message: 'must be another contact' }]);
    }
    if (!(await this.contacts.existsLive(m, dto.contactId))) throw new NotFoundError('Contact', dto.contactId);
    const row = await this.repo.insert(m, { from: contactId, to: dto.contactId, kind: dto.kind, note: dto.note ?? null, createdBy: actorIdOf(p) });
    if (!row) throw new ConflictError('CONNECTION_EXISTS', `These contacts are already connected as ${dto.kind}`);
    const created = toConnection(row, contactId);
    const subjects = [row.from_contact_id, row.to_contact_id];
    await this.audit.record({ action: 'create', entityType: 'contact_connection', entityId: row.id, contactId, subjects, after: created });
    return created;
  }

  async list(contactId: string, q: PageQueryDto): Promise<Page<ConnectionResponseDto>> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const limit = pageSize(q);
    const rows = await this.repo.listOfContact(m, contactId, q.cursor, limit);
    return toPage(rows, limit, (r) => toConnection(r, contactId), (r) => [r.created_key, r.id]);
  }

  async remove(contactId: string, connectionId: string, ifMatch: IfMatch): Promise<void> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const row = await this.repo.findOfContact(m, contactId, connectionId, true);
    if (!row) throw new NotFoundError('Connection', connectionId);
    assertIfMatch(ifMatch, row.version);
    await this.repo.delete(m, connectionId);
    await this.audit.record({
      action: 'delete',
      entityType: 'contact_connection',
      entityId: connectionId,
      contactId,
      subjects: [row.from_contact_id, row.to_contact_id],
      before: toConnection(row, contactId),
    });
  }

  /** The strongest chains from staff to the contact (see introduction-strength.ts), at most MAX_INTRODUCTIONS. */
  async introductions(contactId: string, q: IntroductionsQueryDto): Promise<IntroductionsResponseDto> {
    const m = this.tx.manager;
    if (!(await this.contacts.exists(m, contactId))) throw new NotFoundError('Contact', contactId);
    const rows = await introductionChains(m, contactId, q.maxHops ?? MAX_HOPS_DEFAULT, this.config.dormantDays, MAX_INTRODUCTIONS);
    return {
      items: rows.map((r) => ({
        path: [{ userId: r.user_id }, ...[...r.path].reverse().map((c) => ({ contactId: c }))],
        strength: r.strength,
        hops: r.hops,
        lastInteractionAt: iso(r.last)!,
      })),
    };
  }
}
