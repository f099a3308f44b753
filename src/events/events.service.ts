import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { CreateEventDto, EventResponseDto, EventSummaryResponseDto, ListEventsQueryDto, UpdateEventDto } from './dto/event.dto.js';
import { eventSummary } from './event-summary.query.js';
import { EventChanges, EventsRepository, toEventResponse } from './events.repository.js';

@Injectable()
export class EventsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: EventsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly users: UsersRepository,
  ) {}

  async create(dto: CreateEventDto, principal: Principal): Promise<EventResponseDto> {
    const m = this.tx.manager;
    if (dto.endsAt && new Date(dto.endsAt) < new Date(dto.startsAt)) {
      throw new ValidationFailedError('endsAt is before startsAt', [{ field: 'endsAt', message: 'endsAt must not be before startsAt' }]);
    }
    await this.assertRefs(m, dto.organiserId, dto.representativeIds);
    const id = await this.repo.insert(m, {
      name: dto.name,
      startsAt: new Date(dto.startsAt),
      endsAt: dto.endsAt ? new Date(dto.endsAt) : null,
      location: dto.location ?? null,
      organiserId: dto.organiserId ?? null,
      createdBy: actorIdOf(principal),
    });
    await this.repo.addRepresentatives(m, id, dto.representativeIds ?? []);
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
    const before = decodeCursor<[string, string]>(q.cursor, 2) ?? undefined;
    const rows = await this.repo.list(
      this.tx.manager,
      { from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, before },
      limit,
    );
    return toPage(rows, limit, toEventResponse, (r) => [r.starts_key, r.id]);
  }

  async update(id: string, dto: UpdateEventDto, ifMatch: IfMatch): Promise<EventResponseDto> {
    const m = this.tx.manager;
    if (!(await this.repo.lockForUpdate(m, id))) throw new NotFoundError('Event', id);
    const before = (await this.load(m, id))!;
    assertIfMatch(ifMatch, before.version);
    await this.assertRefs(m, dto.organiserId ?? undefined, dto.representativeIds);
    const startsAt = dto.startsAt ?? before.startsAt;
    const endsAt = dto.endsAt === undefined ? before.endsAt : dto.endsAt;
    if (endsAt && new Date(endsAt) < new Date(startsAt)) {
      throw new ValidationFailedError('endsAt is before startsAt', [{ field: 'endsAt', message: 'endsAt must not be before startsAt' }]);
    }
    const changes: EventChanges = {
      name: dto.name,
      startsAt: dto.startsAt !== undefined ? new Date(dto.startsAt) : undefined,
      endsAt: dto.endsAt !== undefined ? (dto.endsAt ? new Date(dto.endsAt) : null) : undefined,
      location: dto.location,
      organiserId: dto.organiserId,
    };
    if (Object.values(changes).every((v) => v === undefined) && dto.representativeIds === undefined) return before;
    await this.repo.update(m, id, changes);
    if (dto.representativeIds !== undefined) {
      await this.repo.removeRepresentatives(m, id);
      await this.repo.addRepresentatives(m, id, dto.representativeIds);
    }
    const after = (await this.load(m, id))!;
    await this.audit.record({ action: 'update', entityType: 'event', entityId: id, before, after });
    return after;
  }

  /** Contacts met, interactions logged, follow-ups open, late and done: one SQL statement. */
  async summary(id: string): Promise<EventSummaryResponseDto> {
    const r = await eventSummary(this.tx.manager, id);
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
    const row = await this.repo.findRow(m, id);
    return row ? toEventResponse(row) : undefined;
  }

  private async assertRefs(m: EntityManager, organiserId?: string, userIds?: string[]): Promise<void> {
    if (organiserId) {
      if (!(await this.organisations.exists(m, organiserId))) throw new NotFoundError('Organisation', organiserId);
    }
    if (userIds?.length) {
      const found = await this.users.existingIds(m, userIds);
      const missing = userIds.find((u) => !found.some((f) => f === u));
      if (missing) throw new NotFoundError('User', missing);
    }
  }
}
