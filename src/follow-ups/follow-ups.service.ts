import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { CalendarTokenResponseDto, FollowUpResponseDto } from './dto/follow-up.response.dto.js';
import { CreateFollowUpDto, ListFollowUpsQueryDto, UpdateFollowUpDto } from './dto/follow-up.dto.js';
import { followUpAudit, type FollowUpRow, toFollowUpResponse } from './follow-up.mapper.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { calendarOwner, calendarRows, interactionOf } from './follow-ups.query.js';
import { addWorkingDays } from './working-days.js';


export interface NewFollowUp {
  interactionId: string | null;
  contactId: string | null;
  eventId: string | null;
  /** The interaction's time (or now): the default due date counts FOLLOW_UP_DAYS working days from it. */
  from: Date;
  dueAt?: string;
  assigneeId?: string | null;
  note?: string;
}

export const calendarTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class FollowUpsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: FollowUpsRepository,
    private readonly users: UsersRepository,
    private readonly contacts: ContactsRepository,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /**
   * Inserts one follow-up and answers what the audit trail keeps of it (the caller records it with its own
   * change). The assignee defaults to the caller's user.
   */
  async insert(m: EntityManager, f: NewFollowUp, principal: Principal): Promise<{ id: string; audit: ReturnType<typeof followUpAudit> }> {
    const v = await this.values(m, f, principal);
    const r = await this.repo.insert(m, { ...v, interactionId: f.interactionId, contactId: f.contactId, eventId: f.eventId });
    return { id: r.id, audit: this.audited(f, v, r) };
  }

  /**
   * `insert` as a part of the interaction's composed statement (database/composed-write.ts): the follow-up, its id
   * made here, is written once per row of `from` (the part writing the interaction). Answers the part, the `fu_*`
   * columns of the final select, what the audit trail keeps of it (known before anything is written), `row`, which
   * reads the follow-up back from the statement's answer as `forInteractions` would, and `assigneeToCheck`: an
   * assignee other than the caller's user, whose existence the statement must check (404 User) before writing.
   */
  insertPart(
    f: NewFollowUp & { interactionId: string; contactId: null },
    principal: Principal,
    bind: (value: unknown, cast?: string) => string,
    from: string,
    alias: string,
  ): {
    id: string;
    sql: string;
    columns: string;
    audit: ReturnType<typeof followUpAudit>;
    assigneeToCheck: string | null;
    response: (r: Record<string, unknown>, contactIds: string[], confidentialOf: FollowUpRow['confidential_of']) => FollowUpResponseDto;
  } {
    const v = this.stored(f, principal);
    const id = randomUUID();
    const part = this.repo.insertPart({ ...v, id, interactionId: f.interactionId, eventId: f.eventId }, bind, from, alias);
    const audit = this.audited(f, v, { id, version: 1 });
    return {
      id,
      ...part,
      audit,
      assigneeToCheck: v.assigneeId && v.assigneeId !== principal.userId ? v.assigneeId : null,
      response: (r, contactIds, confidentialOf) => {
        const row = this.repo.insertedRow(r, contactIds, confidentialOf);
        // The event already holds `audit`: never answer a follow-up that differs from it (a bug, see interactions).
        if (JSON.stringify(followUpAudit(toFollowUpResponse(row))) !== JSON.stringify(audit)) {
          throw new Error('follow-ups: the row written differs from the one audited');
        }
        return toFollowUpResponse(row, principal);
      },
    };
  }

  /** A new follow-up's stored values: the assignee (default the caller's user; another must exist), the due date. */
  private async values(m: EntityManager, f: NewFollowUp, principal: Principal) {
    const v = this.stored(f, principal);
    if (v.assigneeId && v.assigneeId !== principal.userId) await this.assertUser(m, v.assigneeId);
    return v;
  }

  private stored(f: NewFollowUp, principal: Principal) {
    const assigneeId = f.assigneeId === undefined ? principal.userId : f.assigneeId;
    const dueAt = f.dueAt ? new Date(f.dueAt) : addWorkingDays(f.from, this.config.followUpDays);
    return { dueAt, assigneeId, note: f.note ?? null, createdBy: actorIdOf(principal) };
  }

  /** What the audit trail keeps of a new follow-up. */
  private audited(f: NewFollowUp, v: { dueAt: Date; assigneeId: string | null }, r: { id: string; version: number }) {
    return {
      id: r.id,
      interactionId: f.interactionId,
      contactId: f.contactId,
      eventId: f.eventId,
      dueAt: v.dueAt.toISOString(),
      assigneeId: v.assigneeId,
      status: 'open' as const,
      completedAt: null,
      completedBy: null,
      hasNote: f.note !== undefined && f.note !== null,
      version: r.version,
    };
  }

  async create(dto: CreateFollowUpDto, principal: Principal): Promise<FollowUpResponseDto> {
    const m = this.tx.manager;
    let from = new Date();
    let eventId: string | null = null;
    if (dto.interactionId) {
      const i = await interactionOf(m, dto.interactionId);
      if (!i) throw new NotFoundError('Interaction', dto.interactionId);
      from = new Date(i.occurred_at);
      eventId = i.event_id;
    }
    if (dto.contactId) {
      if (!(await this.contacts.existsLive(m, dto.contactId))) throw new NotFoundError('Contact', dto.contactId);
    }
    const { id, audit } = await this.insert(
      m,
      { interactionId: dto.interactionId ?? null, contactId: dto.contactId ?? null, eventId, from, dueAt: dto.dueAt, assigneeId: dto.assigneeId, note: dto.note },
      principal,
    );
    const created = (await this.load(m, id, principal))!;
    await this.audit.record({ action: 'create', entityType: 'follow_up', entityId: id, subjects: created.contactIds, after: audit });
    return created;
  }

  async findOne(id: string, principal: Principal): Promise<FollowUpResponseDto> {
    const f = await this.load(this.tx.manager, id, principal);
    if (!f) throw new NotFoundError('Follow-up', id);
    return f;
  }

  async forInteractions(m: EntityManager, interactionIds: string[], principal: Principal): Promise<Map<string, FollowUpResponseDto[]>> {
    const out = new Map<string, FollowUpResponseDto[]>();
    if (interactionIds.length === 0) return out;
    const rows = await this.repo.forInteractions(m, interactionIds);
    for (const r of rows) {
      const list = out.get(r.interaction_id!) ?? [];
      list.push(toFollowUpResponse(r, principal));
      out.set(r.interaction_id!, list);
    }
    return out;
  }

  async list(q: ListFollowUpsQueryDto, principal: Principal): Promise<Page<FollowUpResponseDto>> {
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    const rows = await this.repo.list(
      this.tx.manager,
      {
        status: q.status,
        overdue: q.overdue,
        assigneeId: q.assigneeId,
        eventId: q.eventId,
        interactionId: q.interactionId,
        contactId: q.contactId,
        after: after ?? undefined,
      },
      limit,
    );
    return toPage(rows, limit, (r) => toFollowUpResponse(r, principal), (r) => [r.due_key, r.id]);
  }

  async update(id: string, dto: UpdateFollowUpDto, ifMatch: IfMatch, principal: Principal): Promise<FollowUpResponseDto> {
    const m = this.tx.manager;
    if (!(await this.repo.lockForUpdate(m, id))) throw new NotFoundError('Follow-up', id);
    const before = (await this.load(m, id, principal))!;
    assertIfMatch(ifMatch, before.version);
    if (dto.assigneeId) await this.assertUser(m, dto.assigneeId);
    const statusChanged = dto.status !== undefined && dto.status !== before.status;
    const changed = await this.repo.update(m, id, {
      status: statusChanged ? dto.status : undefined,
      completedBy: statusChanged && dto.status !== 'open' ? actorIdOf(principal) : undefined,
      dueAt: dto.dueAt !== undefined ? new Date(dto.dueAt) : undefined,
      assigneeId: dto.assigneeId,
      note: dto.note,
    });
    if (!changed) return before;
    const after = (await this.load(m, id, principal))!;
    const action = dto.status !== undefined && dto.status !== before.status ? `status_${after.status}` : 'update';
    await this.audit.record({
      action,
      entityType: 'follow_up',
      entityId: id,
      subjects: [...before.contactIds, ...after.contactIds],
      before: followUpAudit(before),
      after: followUpAudit(after),
    });
    return after;
  }

  /** Issues (or rotates) a user's calendar feed token; only its hash is stored. */
  async issueCalendarToken(userId: string | null, principal: Principal): Promise<CalendarTokenResponseDto> {
    if (!userId) {
      throw new ValidationFailedError('This credential acts for no staff user; ask for a token for a user (POST /users/{id}/calendar-token)');
    }
    if (principal.role !== 'admin' && principal.userId !== userId) throw new ForbiddenError('Staff may only get their own calendar token');
    const m = this.tx.manager;
    await this.assertUser(m, userId);
    const token = `rcal_${randomBytes(32).toString('base64url')}`;
    await this.repo.saveCalendarToken(m, userId, calendarTokenHash(token));
    await this.audit.record({ action: 'rotate_calendar_token', entityType: 'user', entityId: userId });
    return { userId, token, url: `/api/v1/follow-ups.ics?token=${token}` };
  }

  /** The iCalendar feed of a user's open follow-ups, found by the feed token. */
  async calendar(token: string | undefined): Promise<string> {
    if (!token) throw new DomainError('CALENDAR_TOKEN_REQUIRED', 'The feed needs ?token=', 401);
    const m = this.tx.manager;
    const owner = await calendarOwner(m, calendarTokenHash(token));
    if (!owner) throw new DomainError('INVALID_CALENDAR_TOKEN', 'The calendar token is unknown or was rotated', 401);
    const rows = await calendarRows(m, owner.user_id);
    const cal = ical({ name: `Rapport follow-ups: ${owner.name}`, prodId: { company: 'Rapport', product: 'follow-ups', language: 'EN' } });
    cal.method(ICalCalendarMethod.PUBLISH);
    for (const r of rows) {
      const start = new Date(r.due_at);
      cal.createEvent({
        id: `follow-up-${r.id}@rapport`,
        sequence: r.version - 1,
        start,
        end: new Date(start.getTime() + 30 * 60 * 1000),
        stamp: new Date(r.updated_at),
        created: new Date(r.created_at),
        summary: `Follow up: ${r.names ?? 'contact'}`,
        description: r.note ?? undefined,
      });
    }
    return cal.toString();
  }

  private async load(m: EntityManager, id: string, principal: Principal): Promise<FollowUpResponseDto | undefined> {
    const row = await this.repo.findRow(m, id);
    return row ? toFollowUpResponse(row, principal) : undefined;
  }

  private async assertUser(m: EntityManager, userId: string): Promise<void> {
    if (!(await this.users.exists(m, userId))) throw new NotFoundError('User', userId);
  }
}
