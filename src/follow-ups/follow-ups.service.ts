import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { queryRows } from '../database/sql.js';
import { addWorkingDays } from '../interactions/working-days.js';
import { CalendarTokenResponseDto, FollowUpResponseDto } from './dto/follow-up.response.dto.js';
import { CreateFollowUpDto, ListFollowUpsQueryDto, UpdateFollowUpDto } from './dto/follow-up.dto.js';
import { FOLLOW_UP_COLUMNS, followUpAudit, FollowUpRow, toFollowUpResponse } from './follow-up.mapper.js';

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
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /**
   * Inserts one follow-up and answers what the audit trail keeps of it (the caller records it with its own
   * change). The assignee defaults to the caller's user.
   */
  async insert(m: EntityManager, f: NewFollowUp, principal: Principal): Promise<{ id: string; audit: ReturnType<typeof followUpAudit> }> {
    const assigneeId = f.assigneeId === undefined ? principal.userId : f.assigneeId;
    if (assigneeId && assigneeId !== principal.userId) await this.assertUser(m, assigneeId);
    const dueAt = f.dueAt ? new Date(f.dueAt) : addWorkingDays(f.from, this.config.followUpDays);
    const [r] = await queryRows<{ id: string; version: number }>(
      m,
      `INSERT INTO follow_ups (interaction_id, contact_id, event_id, due_at, assignee_id, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, version`,
      [f.interactionId, f.contactId, f.eventId, dueAt, assigneeId, f.note ?? null, actorIdOf(principal)],
    );
    const audit = {
      id: r.id,
      interactionId: f.interactionId,
      contactId: f.contactId,
      eventId: f.eventId,
      dueAt: dueAt.toISOString(),
      assigneeId,
      status: 'open' as const,
      completedAt: null,
      completedBy: null,
      hasNote: f.note !== undefined && f.note !== null,
      version: r.version,
    };
    return { id: r.id, audit };
  }

  async create(dto: CreateFollowUpDto, principal: Principal): Promise<FollowUpResponseDto> {
    const m = this.tx.manager;
    let from = new Date();
    let eventId: string | null = null;
    if (dto.interactionId) {
      const [i] = await queryRows<{ occurred_at: Date; event_id: string | null }>(
        m, 'SELECT occurred_at, event_id FROM interactions WHERE id = $1', [dto.interactionId]);
      if (!i) throw new NotFoundError('Interaction', dto.interactionId);
      from = new Date(i.occurred_at);
      eventId = i.event_id;
    }
    if (dto.contactId) {
      const [c] = await queryRows(m, 'SELECT 1 FROM contacts WHERE id = $1 AND erased_at IS NULL', [dto.contactId]);
      if (!c) throw new NotFoundError('Contact', dto.contactId);
    }
    const { id, audit } = await this.insert(
      m,
      { interactionId: dto.interactionId ?? null, contactId: dto.contactId ?? null, eventId, from, dueAt: dto.dueAt, assigneeId: dto.assigneeId, note: dto.note },
      principal,
    );
    const created = (await this.load(m, id, principal))!;
    await this.audit.record({ action: 'create', entityType: 'follow_up', entityId: id, after: audit });
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
    const rows = await queryRows<FollowUpRow>(
      m, `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.interaction_id = ANY($1::uuid[]) ORDER BY f.due_at, f.id`, [interactionIds]);
    for (const r of rows) {
      const list = out.get(r.interaction_id!) ?? [];
      list.push(toFollowUpResponse(r, principal));
      out.set(r.interaction_id!, list);
    }
    return out;
  }

  async list(q: ListFollowUpsQueryDto, principal: Principal): Promise<Page<FollowUpResponseDto>> {
    const limit = pageSize(q);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.status) where.push(`f.status = ${p(q.status)}`);
    if (q.overdue === true) where.push(`f.status = 'open' AND f.due_at < now()`);
    if (q.overdue === false) where.push(`NOT (f.status = 'open' AND f.due_at < now())`);
    if (q.assigneeId) where.push(`f.assignee_id = ${p(q.assigneeId)}`);
    if (q.eventId) where.push(`f.event_id = ${p(q.eventId)}`);
    if (q.interactionId) where.push(`f.interaction_id = ${p(q.interactionId)}`);
    if (q.contactId) {
      const c = p(q.contactId);
      where.push(`(f.contact_id = ${c} OR EXISTS (SELECT 1 FROM interaction_contacts ic WHERE ic.interaction_id = f.interaction_id AND ic.contact_id = ${c}))`);
    }
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    if (after) where.push(`(f.due_at, f.id) > (${p(after[0])}::timestamptz, ${p(after[1])}::uuid)`);
    const rows = await queryRows<FollowUpRow>(
      this.tx.manager,
      `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY f.due_at, f.id LIMIT ${limit + 1}`,
      params,
    );
    return toPage(rows, limit, (r) => toFollowUpResponse(r, principal), (r) => [r.due_key, r.id]);
  }

  async update(id: string, dto: UpdateFollowUpDto, ifMatch: IfMatch, principal: Principal): Promise<FollowUpResponseDto> {
    const m = this.tx.manager;
    const [locked] = await queryRows(m, 'SELECT id FROM follow_ups WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundError('Follow-up', id);
    const before = (await this.load(m, id, principal))!;
    assertIfMatch(ifMatch, before.version);
    if (dto.assigneeId) await this.assertUser(m, dto.assigneeId);
    const sets: string[] = [];
    const params: unknown[] = [id];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (dto.status !== undefined && dto.status !== before.status) {
      sets.push(`status = ${p(dto.status)}`);
      if (dto.status === 'open') sets.push('completed_at = NULL', 'completed_by = NULL');
      else sets.push('completed_at = now()', `completed_by = ${p(actorIdOf(principal))}`);
    }
    if (dto.dueAt !== undefined) sets.push(`due_at = ${p(new Date(dto.dueAt))}`);
    if (dto.assigneeId !== undefined) sets.push(`assignee_id = ${p(dto.assigneeId)}`);
    if (dto.note !== undefined) sets.push(`note = ${p(dto.note)}`);
    if (sets.length === 0) return before;
    await m.query(`UPDATE follow_ups SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, params);
    const after = (await this.load(m, id, principal))!;
    const action = dto.status !== undefined && dto.status !== before.status ? `status_${after.status}` : 'update';
    await this.audit.record({ action, entityType: 'follow_up', entityId: id, before: followUpAudit(before), after: followUpAudit(after) });
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
    await m.query(
      `INSERT INTO calendar_tokens (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, calendarTokenHash(token)],
    );
    await this.audit.record({ action: 'rotate_calendar_token', entityType: 'user', entityId: userId });
    return { userId, token, url: `/api/v1/follow-ups.ics?token=${token}` };
  }

  /** The iCalendar feed of a user's open follow-ups, found by the feed token. */
  async calendar(token: string | undefined): Promise<string> {
    if (!token) throw new DomainError('CALENDAR_TOKEN_REQUIRED', 'The feed needs ?token=', 401);
    const m = this.tx.manager;
    const [owner] = await queryRows<{ user_id: string; name: string }>(
      m,
      `SELECT t.user_id, u.name FROM calendar_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND u.active`,
      [calendarTokenHash(token)],
    );
    if (!owner) throw new DomainError('INVALID_CALENDAR_TOKEN', 'The calendar token is unknown or was rotated', 401);
    const rows = await queryRows<{ id: string; due_at: Date; note: string | null; names: string | null; version: number; updated_at: Date; created_at: Date }>(
      m,
      `SELECT f.id, f.due_at, f.note, f.version, f.created_at, f.updated_at,
              (SELECT string_agg(c.given_name || ' ' || c.family_name, ', ' ORDER BY c.family_name, c.given_name)
                 FROM contacts c
                WHERE c.erased_at IS NULL AND (c.id = f.contact_id OR c.id IN
                      (SELECT ic.contact_id FROM interaction_contacts ic WHERE ic.interaction_id = f.interaction_id))) AS names
         FROM follow_ups f
        WHERE f.assignee_id = $1 AND f.status = 'open'
        ORDER BY f.due_at, f.id
        LIMIT 5000`,
      [owner.user_id],
    );
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
    const [row] = await queryRows<FollowUpRow>(m, `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.id = $1`, [id]);
    return row ? toFollowUpResponse(row, principal) : undefined;
  }

  private async assertUser(m: EntityManager, userId: string): Promise<void> {
    const [u] = await queryRows(m, 'SELECT 1 FROM users WHERE id = $1', [userId]);
    if (!u) throw new NotFoundError('User', userId);
  }
}
