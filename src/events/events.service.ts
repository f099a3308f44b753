import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { iso } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  AddAttendeeDto,
  AttendeeResponseDto,
  CreateEventDto,
  EventBriefingResponseDto,
  EventFollowThroughResponseDto,
  EventResponseDto,
  EventSummaryResponseDto,
  ListEventsQueryDto,
  UpdateEventDto,
} from './dto/event.dto.js';
import { briefingRows, eventHasInteractions, followThroughRows } from './event-briefing.query.js';
import { eventSummary } from './event-summary.query.js';
import { EventChanges, EventsRepository, toAttendeeResponse, toEventResponse } from './events.repository.js';
import { classifyFollowThrough } from './follow-through.js';
import { PageQueryDto } from '../common/http/pagination.js';

@Injectable()
export class EventsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly repo: EventsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly users: UsersRepository,
    private readonly contacts: ContactsRepository,
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
      goals: dto.goals ?? null,
      keyMessages: dto.keyMessages ?? [],
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
      goals: dto.goals,
      keyMessages: dto.keyMessages,
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

  /** 204 for an event no interaction points at (its representatives and attendees go with it); 409 otherwise. */
  async remove(id: string, ifMatch: IfMatch): Promise<void> {
    const m = this.tx.manager;
    if (!(await this.repo.lockForUpdate(m, id))) throw new NotFoundError('Event', id);
    const before = (await this.load(m, id))!;
    assertIfMatch(ifMatch, before.version);
    if (await eventHasInteractions(m, id)) {
      throw new ConflictError('EVENT_HAS_INTERACTIONS', 'Interactions are linked to this event; it cannot be deleted');
    }
    try {
      await this.repo.delete(m, id);
    } catch (err) {
      // Another reference (a follow-up naming the event) or an interaction linked meanwhile: still a conflict.
      if (((err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code) === '23503') {
        throw new ConflictError('EVENT_HAS_INTERACTIONS', 'Interactions or follow-ups are linked to this event; it cannot be deleted');
      }
      throw err;
    }
    await this.audit.record({ action: 'delete', entityType: 'event', entityId: id, before });
  }

  /** Records that an existing (not erased) contact attends; 409 when already recorded. */
  async addAttendee(eventId: string, dto: AddAttendeeDto, principal: Principal): Promise<AttendeeResponseDto> {
    const m = this.tx.manager;
    await this.assertEvent(m, eventId);
    // FOR SHARE: an erasure of the contact cannot interleave (it would miss this row).
    const contact = await this.contacts.erasedAtLocked(m, dto.contactId, 'share');
    if (!contact || contact.erasedAt) throw new NotFoundError('Contact', dto.contactId);
    const row = await this.repo.addAttendee(m, { eventId, contactId: dto.contactId, note: dto.note ?? null, createdBy: actorIdOf(principal) });
    if (!row) throw new ConflictError('ATTENDEE_EXISTS', `Contact ${dto.contactId} is already recorded as attending this event`);
    const created = toAttendeeResponse(row);
    await this.audit.record({ action: 'create', entityType: 'event_attendee', entityId: eventId, contactId: dto.contactId, after: created });
    return created;
  }

  async listAttendees(eventId: string, q: PageQueryDto): Promise<Page<AttendeeResponseDto>> {
    const m = this.tx.manager;
    await this.assertEvent(m, eventId);
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2) ?? undefined;
    const rows = await this.repo.listAttendees(m, eventId, limit, after);
    return toPage(rows, limit, toAttendeeResponse, (r) => [r.created_key, r.contact_id]);
  }

  async removeAttendee(eventId: string, contactId: string): Promise<void> {
    const m = this.tx.manager;
    if (!(await this.repo.lockForUpdate(m, eventId))) throw new NotFoundError('Event', eventId);
    const row = await this.repo.findAttendee(m, eventId, contactId);
    if (!row) throw new NotFoundError('Attendee', contactId);
    await this.repo.removeAttendee(m, eventId, contactId);
    await this.audit.record({ action: 'delete', entityType: 'event_attendee', entityId: eventId, contactId, before: toAttendeeResponse(row) });
  }

  /** Per attendee: who on staff knows them, their last interaction, open follow-ups (one statement). */
  async briefing(id: string): Promise<EventBriefingResponseDto> {
    const m = this.tx.manager;
    const e = await this.load(m, id);
    if (!e) throw new NotFoundError('Event', id);
    const rows = await briefingRows(m, id);
    return {
      event: { id: e.id, name: e.name, startsAt: e.startsAt, goals: e.goals, keyMessages: e.keyMessages, representativeIds: e.representativeIds },
      attendees: rows.map((r) => ({
        contactId: r.contact_id,
        givenName: r.given_name,
        familyName: r.family_name,
        organisationId: r.organisation_id,
        knownBy: r.known_by.map((k) => ({
          userId: k.userId,
          lastInteractionAt: new Date(k.lastInteractionAt).toISOString(),
          interactions: k.interactions,
          strength: k.strength,
        })),
        lastInteractionAt: iso(r.last_interaction_at),
        openFollowUps: r.open_follow_ups,
      })),
    };
  }

  /** Met, followed up (in time), open, not contacted: the contract's definitions, with the contact ids. */
  async followThrough(id: string): Promise<EventFollowThroughResponseDto> {
    const m = this.tx.manager;
    const e = await this.repo.findRow(m, id);
    if (!e) throw new NotFoundError('Event', id);
    const rows = await followThroughRows(m, id, e.starts_at);
    const ft = classifyFollowThrough(
      rows.map((r) => ({
        contactId: r.contact_id,
        met: r.met,
        followUps: r.follow_ups,
        done: r.done,
        doneInTime: r.done_in_time,
        open: r.open,
        contactedSinceStart: r.contacted_since_start,
      })),
    );
    return { eventId: id, ...ft };
  }

  private async assertEvent(m: EntityManager, id: string): Promise<void> {
    if (!(await this.repo.exists(m, id))) throw new NotFoundError('Event', id);
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
