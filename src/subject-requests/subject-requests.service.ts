import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, type IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { dueAtFor, extendedDueAt } from './due-date.js';
import { CreateSubjectRequestDto, ListSubjectRequestsQueryDto, SubjectRequestResponseDto, UpdateSubjectRequestDto } from './dto/subject-request.dto.js';
import { SubjectRequestRow, SubjectRequestsRepository, toSubjectRequestResponse } from './subject-requests.repository.js';

/** The register of data-subject requests (GDPR Art. 12(3)): receipt, deadline, extension, answer. */
@Injectable()
export class SubjectRequestsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: SubjectRequestsRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async create(dto: CreateSubjectRequestDto, principal: Principal): Promise<SubjectRequestResponseDto> {
    return this.tx.run(async (m) => {
      const receivedAt = dto.receivedAt ? new Date(dto.receivedAt) : new Date();
      if (Number.isNaN(receivedAt.getTime()) || Number.isNaN(dueAtFor(receivedAt).getTime()) || receivedAt.getUTCFullYear() < 1970) {
        throw new ValidationFailedError('receivedAt is not a usable date', [{ field: 'receivedAt', message: 'receivedAt must be a date from 1970 on' }]);
      }
      if (receivedAt.getTime() > Date.now() + 60_000) {
        throw new ValidationFailedError('receivedAt is in the future', [{ field: 'receivedAt', message: 'receivedAt must not be in the future' }]);
      }
      if (dto.contactId && !(await this.contacts.findRaw(m, dto.contactId))) throw new NotFoundError('Contact', dto.contactId);
      const row = await this.repo.insert(m, {
        kind: dto.kind,
        contactId: dto.contactId ?? null,
        receivedAt,
        dueAt: dueAtFor(receivedAt),
        channel: dto.channel ?? null,
        note: dto.note ?? null,
        createdBy: actorIdOf(principal),
      });
      const out = toSubjectRequestResponse(row);
      await this.audit.record({ action: 'create', entityType: 'subject_request', entityId: row.id, contactId: row.contact_id, after: out });
      return out;
    });
  }

  async findOne(id: string): Promise<SubjectRequestResponseDto> {
    const row = await this.repo.find(this.tx.manager, id);
    if (!row) throw new NotFoundError('Subject request', id);
    return toSubjectRequestResponse(row);
  }

  async list(q: ListSubjectRequestsQueryDto): Promise<Page<SubjectRequestResponseDto>> {
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    const rows = await this.repo.list(
      this.tx.manager,
      { status: q.status, kind: q.kind, overdue: q.overdue, dueWithinDays: q.dueWithinDays, contactId: q.contactId, after },
      limit,
    );
    const now = new Date();
    return toPage(rows, limit, (r) => toSubjectRequestResponse(r, now), (r) => [r.due_key, r.id]);
  }

  async update(id: string, dto: UpdateSubjectRequestDto, ifMatch: IfMatch): Promise<SubjectRequestResponseDto> {
    return this.tx.run(async (m) => {
      const before = await this.repo.find(m, id, true);
      if (!before) throw new NotFoundError('Subject request', id);
      assertIfMatch(ifMatch, before.version);
      let dueAt: Date | undefined;
      let extendedAt: Date | undefined;
      if (dto.status === 'extended') {
        if (before.extended_at) throw new ConflictError('ALREADY_EXTENDED', 'The request has already been extended once (GDPR Art. 12(3) allows two further months, once)');
        if (before.status === 'done' || before.status === 'rejected') {
          throw new ConflictError('SUBJECT_REQUEST_CLOSED', `The request is ${before.status}; reopen it (status open) before extending it`);
        }
        dueAt = extendedDueAt(before.due_at);
        extendedAt = new Date();
      }
      const closing = dto.status === 'done' || dto.status === 'rejected';
      const wasClosed = before.status === 'done' || before.status === 'rejected';
      const row = await this.repo.update(m, id, {
        status: dto.status,
        note: dto.note,
        dueAt,
        extendedAt,
        closedAt: closing ? (wasClosed && before.status === dto.status ? before.closed_at : new Date()) : null,
        answeredWith: closing ? (wasClosed && before.status === dto.status ? before.answered_with : 'manual') : null,
      });
      const out = toSubjectRequestResponse(row);
      await this.audit.record({
        action: 'update',
        entityType: 'subject_request',
        entityId: id,
        contactId: row.contact_id,
        before: toSubjectRequestResponse(before),
        after: out,
      });
      return out;
    });
  }

  /**
   * An export or erasure of `contactId` names the request it answers: the request must exist (404), be about that
   * contact or about no contact yet (then it is linked to it; another contact: 409 SUBJECT_REQUEST_CONTACT_MISMATCH)
   * and not be rejected (409 SUBJECT_REQUEST_CLOSED). Checked before the export or erasure runs.
   */
  async assertAnswerable(m: EntityManager, requestId: string, contactId: string): Promise<SubjectRequestRow> {
    const row = await this.repo.find(m, requestId, true);
    if (!row) throw new NotFoundError('Subject request', requestId);
    if (row.contact_id && row.contact_id !== contactId) {
      throw new ConflictError('SUBJECT_REQUEST_CONTACT_MISMATCH', `Subject request ${requestId} is about another contact`);
    }
    if (row.status === 'rejected') throw new ConflictError('SUBJECT_REQUEST_CLOSED', `Subject request ${requestId} was rejected; reopen it first`);
    return row;
  }

  /** Marks the request done, answered by the export or erasure (already done: left as it was). Audited. */
  async markAnswered(m: EntityManager, before: SubjectRequestRow, contactId: string, answeredWith: 'export' | 'erasure'): Promise<void> {
    if (before.status === 'done') return;
    const row = await this.repo.update(m, before.id, { status: 'done', closedAt: new Date(), answeredWith, contactId });
    await this.audit.record({
      action: 'update',
      entityType: 'subject_request',
      entityId: before.id,
      contactId,
      before: { status: before.status },
      after: { status: row.status, answeredWith, closedAt: row.closed_at },
    });
  }
}
