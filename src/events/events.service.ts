import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { iso, queryRows } from '../database/sql.js';
import { CreateEventDto, EventResponseDto, EventSummaryResponseDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto.js';

interface EventRow {
  id: string;
  name: string;
  starts_at: Date;
  starts_key: string;
  ends_at: Date | null;
  location: string | null;
  organiser_id: string | null;
  representative_ids: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `e.id, e.name, e.starts_at, e.starts_at::text AS starts_key, e.ends_at, e.location, e.organiser_id, e.version, e.created_at, e.updated_at,
  ARRAY(SELECT r.user_id::text FROM event_representatives r WHERE r.event_id = e.id ORDER BY r.user_id) AS representative_ids`;

const toResponse = (r: EventRow): EventResponseDto => ({
  id: r.id,
  name: r.name,
  startsAt: iso(r.starts_at)!,
  endsAt: iso(r.ends_at),
  location: r.location,
  organiserId: r.organiser_id,
  representativeIds: r.representative_ids ?? [],
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

@Injectable()
export class EventsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateEventDto, principal: Principal): Promise<EventResponseDto> {
    const m = this.tx.manager;
    if (dto.endsAt && new Date(dto.endsAt) < new Date(dto.startsAt)) {
      throw new ValidationFailedError('endsAt is before startsAt', [{ field: 'endsAt', message: 'endsAt must not be before startsAt' }]);
    }
    await this.assertRefs(m, dto.organiserId, dto.representativeIds);
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO events (name, starts_at, ends_at, location, organiser_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [dto.name, new Date(dto.startsAt), dto.endsAt ? new Date(dto.endsAt) : null, dto.location ?? null, dto.organiserId ?? null, actorIdOf(principal)],
    );
    await this.setRepresentatives(m, id, dto.representativeIds ?? []);
    const created = (await this.load(m, id))!;
    await this.audit.record({ action: 'create', entityType: 'event', entityId: id, after: created });
    return created;
  }

  async findOne(id: string): Promise<EventResponseDto> {
    const e = await this.load(this.tx.manager, id);
    if (!e) throw new NotFoundError('Event', id);
    return e;
  }

  async list(q: ListEventsQueryDto): Promise<Page<EventResponseDto>> {
    const limit = pageSize(q);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.from) where.push(`e.starts_at >= ${p(new Date(q.from))}`);
    if (q.to) where.push(`e.starts_at < ${p(new Date(q.to))}`);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    if (after) where.push(`(e.starts_at, e.id) < (${p(after[0])}::timestamptz, ${p(after[1])}::uuid)`);
    const rows = await queryRows<EventRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.starts_at DESC, e.id DESC LIMIT ${limit + 1}`,
      params,
    );
    return toPage(rows, limit, toResponse, (r) => [r.starts_key, r.id]);
  }

  async update(id: string, dto: UpdateEventDto, ifMatch: IfMatch): Promise<EventResponseDto> {
    const m = this.tx.manager;
    const [locked] = await queryRows(m, 'SELECT id FROM events WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundError('Event', id);
    const before = (await this.load(m, id))!;
    assertIfMatch(ifMatch, before.version);
    await this.assertRefs(m, dto.organiserId ?? undefined, dto.representativeIds);
    const startsAt = dto.startsAt ?? before.startsAt;
    const endsAt = dto.endsAt === undefined ? before.endsAt : dto.endsAt;
    if (endsAt && new Date(endsAt) < new Date(startsAt)) {
      throw new ValidationFailedError('endsAt is before startsAt', [{ field: 'endsAt', message: 'endsAt must not be before startsAt' }]);
    }
    const sets: string[] = [];
    const params: unknown[] = [id];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (dto.name !== undefined) sets.push(`name = ${p(dto.name)}`);
    if (dto.startsAt !== undefined) sets.push(`starts_at = ${p(new Date(dto.startsAt))}`);
    if (dto.endsAt !== undefined) sets.push(`ends_at = ${p(dto.endsAt ? new Date(dto.endsAt) : null)}`);
    if (dto.location !== undefined) sets.push(`location = ${p(dto.location)}`);
    if (dto.organiserId !== undefined) sets.push(`organiser_id = ${p(dto.organiserId)}`);
    if (sets.length === 0 && dto.representativeIds === undefined) return before;
    await m.query(`UPDATE events SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
    if (dto.representativeIds !== undefined) {
      await m.query('DELETE FROM event_representatives WHERE event_id = $1', [id]);
      await this.setRepresentatives(m, id, dto.representativeIds);
    }
    const after = (await this.load(m, id))!;
    await this.audit.record({ action: 'update', entityType: 'event', entityId: id, before, after });
    return after;
  }

  /** Contacts met, interactions logged, follow-ups open, late and done: one SQL statement. */
  async summary(id: string): Promise<EventSummaryResponseDto> {
    const [r] = await queryRows<{ name: string; contacts_met: number; interactions: number; open: number; late: number; done: number; cancelled: number }>(
      this.tx.manager,
      `SELECT e.name,
              (SELECT count(DISTINCT ic.contact_id)::int FROM interactions i JOIN interaction_contacts ic ON ic.interaction_id = i.id
                WHERE i.event_id = e.id AND i.archived_at IS NULL) AS contacts_met,
              (SELECT count(*)::int FROM interactions i WHERE i.event_id = e.id AND i.archived_at IS NULL) AS interactions,
              count(f.id) FILTER (WHERE f.status = 'open')::int AS open,
              count(f.id) FILTER (WHERE f.status = 'open' AND f.due_at < now())::int AS late,
              count(f.id) FILTER (WHERE f.status = 'done')::int AS done,
              count(f.id) FILTER (WHERE f.status = 'cancelled')::int AS cancelled
         FROM events e LEFT JOIN follow_ups f ON f.event_id = e.id
        WHERE e.id = $1
        GROUP BY e.id`,
      [id],
    );
    if (!r) throw new NotFoundError('Event', id);
    return {
      eventId: id,
      name: r.name,
      contactsMet: r.contacts_met,
      interactionsLogged: r.interactions,
      followUpsOpen: r.open,
      followUpsLate: r.late,
      followUpsDone: r.done,
      followUpsCancelled: r.cancelled,
    };
  }

  private async load(m: EntityManager, id: string): Promise<EventResponseDto | undefined> {
    const [row] = await queryRows<EventRow>(m, `SELECT ${COLUMNS} FROM events e WHERE e.id = $1`, [id]);
    return row ? toResponse(row) : undefined;
  }

  private async setRepresentatives(m: EntityManager, eventId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await m.query(
      `INSERT INTO event_representatives (event_id, user_id) SELECT $1, u FROM unnest($2::uuid[]) u ON CONFLICT DO NOTHING`,
      [eventId, userIds],
    );
  }

  private async assertRefs(m: EntityManager, organiserId?: string, userIds?: string[]): Promise<void> {
    if (organiserId) {
      const [o] = await queryRows(m, 'SELECT 1 FROM organisations WHERE id = $1', [organiserId]);
      if (!o) throw new NotFoundError('Organisation', organiserId);
    }
    if (userIds?.length) {
      const found = await queryRows<{ id: string }>(m, 'SELECT id::text FROM users WHERE id = ANY($1::uuid[])', [userIds]);
      const missing = userIds.find((u) => !found.some((f) => f.id === u));
      if (missing) throw new NotFoundError('User', missing);
    }
  }
}
