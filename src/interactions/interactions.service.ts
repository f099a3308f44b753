import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/role.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { composeWith, runComposed, SqlParams } from '../database/composed-write.js';
import { TransactionService } from '../database/transaction.service.js';
import { FollowUpsRepository, FollowUpsService } from '../follow-ups/index.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { CreateInteractionDto, ReviewDecisionDto, UpdateInteractionDto } from './dto/create-interaction.dto.js';
import { ListInteractionsQueryDto } from './dto/interaction-query.dto.js';
import { InteractionResponseDto } from './dto/interaction.response.dto.js';
import { interactionAudit, InteractionRow, isAuthor, toInteractionResponse } from './interaction.mapper.js';
import { firstMissingReference, interactionFlags, referencesAndFlagsPart } from './interactions.query.js';
import { InteractionFilter, InteractionsRepository } from './interactions.repository.js';

/** Ids as PostgreSQL sorts them as text (lower-case uuids: the code-unit order), as every read answers links. */
const sortedIds = (ids: readonly string[]) => ids.map((x) => x.toLowerCase()).sort();

@Injectable()
export class InteractionsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly followUps: FollowUpsService,
    private readonly repo: InteractionsRepository,
    private readonly followUpRows: FollowUpsRepository,
    private readonly contacts: ContactsRepository,
    private readonly organisations: OrganisationsRepository,
  ) {}

  async create(dto: CreateInteractionDto, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const organisationIds = dto.organisationIds ?? [];
    const participantIds = (dto.participantIds ?? []).filter((u) => u !== p.userId);
    const eventId = dto.eventId ?? null;
    const occurredAt = new Date(dto.occurredAt);
    const sensitive = dto.competitionSensitive ?? false;
    // One statement (issue 11), composed from each owner's part (database/composed-write.ts): the reference check
    // and flags (w_check), then, only when every reference exists, the interaction, its links, its contacts'
    // last_interaction_at (monotonic on create, so concurrent writers for the same contact never lower it), its
    // follow-up and the audit events of both. The ids are made here, so the events are known before anything is
    // written (the flags, which the statement computes, are merged into the interaction's event by the statement);
    // it writes all of it or nothing, and answers the check, the interaction's row and its follow-up's. Without an
    // Idempotency-Key it is autocommitted (SINGLE_STATEMENT_KEY on the route).
    const id = randomUUID();
    const interaction = {
      id,
      type: dto.type,
      occurredAt,
      summary: dto.summary,
      authorId: p.userId ?? null,
      authorCredentialId: p.credentialId,
      eventId,
      reciprocity: dto.reciprocity ?? null,
      confidential: dto.confidential ?? false,
      competitionSensitive: sensitive,
      topics: dto.topics ?? [],
    };
    const predicted = {
      id,
      type: interaction.type,
      occurred_at: occurredAt,
      contact_ids: sortedIds(dto.contactIds),
      organisation_ids: sortedIds(organisationIds),
      participant_ids: sortedIds(participantIds),
      event_id: eventId,
      reciprocity: interaction.reciprocity,
      confidential: interaction.confidential,
      competition_sensitive: sensitive,
      review_status: sensitive ? ('pending' as const) : null,
      author_id: interaction.authorId,
      topics: interaction.topics,
      archived_at: null,
      version: 1,
    };
    const { flags: _computed, ...audited } = interactionAudit({ ...predicted, flags: [] });
    const q = new SqlParams();
    const contactIds = q.bind(dto.contactIds, 'uuid[]');
    const links = { contactIds, organisationIds: q.bind(organisationIds, 'uuid[]'), participantIds: q.bind(participantIds, 'uuid[]') };
    const event = q.bind(eventId, 'uuid');
    const followUp = dto.followUp
      ? this.followUps.insertPart(
          { interactionId: id, contactId: null, eventId, from: occurredAt, dueAt: dto.followUp.dueAt, assigneeId: dto.followUp.assigneeId, note: dto.followUp.note },
          p,
          q.bind,
          'i',
          'f',
        )
      : undefined;
    const check = referencesAndFlagsPart(
      { ...links, userIds: links.participantIds, eventId: event, followUpAssigneeId: q.bind(followUp?.assigneeToCheck ?? null, 'uuid') },
      { staffIds: q.bind([...(p.userId ? [p.userId] : []), ...participantIds], 'uuid[]'), organisationIds: links.organisationIds, contactIds, eventId: event },
    );
    const insert = this.repo.insertParts(interaction, { from: 'w_check', where: 'w_check.missing_kind IS NULL', flags: 'w_check.flags' }, links, q.bind);
    // Only when the interaction was written (`i` has its row): contacts touched as of its time.
    const touch = { name: 'touched', sql: this.contacts.touchLastInteractionPart(`(SELECT ${contactIds} FROM i)::uuid[]`, q.bind(occurredAt, 'timestamptz')) };
    const events = this.audit.eventsPart(
      m,
      [
        {
          input: { action: 'create', entityType: 'interaction', entityId: id, subjects: predicted.contact_ids, after: audited },
          from: 'i',
          afterMerge: `jsonb_build_object('flags', i.flags)`,
        },
        ...(followUp
          ? [{ input: { action: 'create', entityType: 'follow_up', entityId: followUp.id, subjects: dto.contactIds, after: followUp.audit }, from: 'f' }]
          : []),
      ],
      q.bind,
    );
    const parts = [{ name: 'w_check', sql: check }, ...insert.parts, touch, ...(followUp ? [{ name: 'f', sql: followUp.sql }] : []), { name: 'audited', sql: events.sql }];
    const select = `SELECT w_check.missing_kind, w_check.missing_id, ${insert.columns}${followUp ? `, ${followUp.columns}` : ''}
       FROM w_check LEFT JOIN i ON true${followUp ? ' LEFT JOIN f ON true' : ''}`;
    const [row] = await runComposed<InteractionRow & Record<string, unknown> & { missing_kind: string | null; missing_id: string | null }>(m, composeWith(parts, select), q);
    if (row.missing_kind) throw new NotFoundError(row.missing_kind, row.missing_id!);
    events.written();
    if (JSON.stringify(interactionAudit(row)) !== JSON.stringify(interactionAudit({ ...predicted, flags: row.flags }))) {
      // The event already holds what was predicted: never answer an interaction that differs from it (a bug; in a
      // transaction it also rolls back, an autocommitted statement has committed: the 500 and its log tell).
      throw new Error('interactions: the row written differs from the one audited');
    }
    const confidentialOf = row.confidential
      ? { authorId: row.author_id, authorCredentialId: row.author_credential_id, participantIds: row.participant_ids }
      : null;
    return toInteractionResponse(row, p, followUp ? [followUp.response(row, row.contact_ids, confidentialOf)] : []);
  }

  async findOne(id: string, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const row = await this.repo.findRow(m, id);
    if (!row) throw new NotFoundError('Interaction', id);
    return this.respond(m, row, p);
  }

  async update(id: string, dto: UpdateInteractionDto, ifMatch: IfMatch, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const before = await this.lockForChange(m, id, ifMatch, p);
    if (Object.values(dto).every((v) => v === undefined)) return this.respond(m, before, p);
    const contactIds = dto.contactIds ?? before.contact_ids;
    const organisationIds = dto.organisationIds ?? before.organisation_ids;
    const participantIds = dto.participantIds ? dto.participantIds.filter((u) => u !== before.author_id) : before.participant_ids;
    const eventId = dto.eventId === undefined ? before.event_id : dto.eventId;
    await this.assertReferences(m, {
      contactIds: dto.contactIds ?? [],
      organisationIds: dto.organisationIds ?? [],
      userIds: dto.participantIds ? participantIds : [],
      eventId: dto.eventId ?? null,
    });
    const flags = await interactionFlags(m, {
      staffIds: [...(before.author_id ? [before.author_id] : []), ...participantIds],
      organisationIds,
      contactIds,
      eventId,
    });
    const sensitivityChanged = dto.competitionSensitive !== undefined && dto.competitionSensitive !== before.competition_sensitive;
    await this.repo.update(m, id, {
      flags,
      type: dto.type,
      occurredAt: dto.occurredAt !== undefined ? new Date(dto.occurredAt) : undefined,
      summary: dto.summary,
      eventId: dto.eventId,
      reciprocity: dto.reciprocity,
      confidential: dto.confidential,
      competitionSensitive: sensitivityChanged ? dto.competitionSensitive : undefined,
      topics: dto.topics,
    });
    if (dto.contactIds || dto.organisationIds || dto.participantIds) {
      await this.repo.replaceLinks(m, id, {
        contactIds: dto.contactIds,
        organisationIds: dto.organisationIds,
        participantIds: dto.participantIds ? participantIds : undefined,
      });
    }
    if (dto.eventId !== undefined && dto.eventId !== before.event_id) {
      await this.followUpRows.setEventForInteraction(m, id, dto.eventId);
    }
    if (dto.contactIds || dto.occurredAt) await this.recomputeLastInteraction(m, [...new Set([...before.contact_ids, ...contactIds])]);
    const after = (await this.repo.findRow(m, id))!;
    await this.audit.record({
      action: 'update',
      entityType: 'interaction',
      entityId: id,
      subjects: [...before.contact_ids, ...after.contact_ids],
      before: interactionAudit(before),
      after: { ...interactionAudit(after), summaryChanged: dto.summary !== undefined && dto.summary !== before.summary },
    });
    return this.respond(m, after, p);
  }

  /**
   * DELETE archives: the interaction leaves the timelines and no longer counts for last_interaction_at;
   * its open follow-ups are cancelled.
   */
  async archive(id: string, ifMatch: IfMatch, p: Principal): Promise<void> {
    const m = this.tx.manager;
    const before = await this.lockForChange(m, id, ifMatch, p, true);
    if (before.archived_at) return;
    await this.repo.archive(m, id);
    await this.recomputeLastInteraction(m, before.contact_ids);
    // Its open follow-ups go with it: cancelled, recorded like any status change.
    const cancelled = await this.followUpRows.cancelForInteraction(m, id, p.userId ?? p.credentialId);
    const after = (await this.repo.findRow(m, id))!;
    await this.audit.recordMany([
      { action: 'archive', entityType: 'interaction', entityId: id, subjects: before.contact_ids, before: interactionAudit(before), after: interactionAudit(after) },
      ...cancelled.map((f) => ({
        action: 'status_cancelled',
        entityType: 'follow_up',
        entityId: f.id,
        subjects: before.contact_ids,
        before: { status: 'open', version: f.version - 1 },
        after: { status: 'cancelled', reason: 'interaction_archived', completedBy: p.userId ?? p.credentialId, assigneeId: f.assignee_id, version: f.version },
      })),
    ]);
  }

  /** Compliance clears or escalates a competition-sensitive interaction. */
  async review(id: string, dto: ReviewDecisionDto, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    if (!(await this.repo.lockForUpdate(m, id))) throw new NotFoundError('Interaction', id);
    const before = (await this.repo.findRow(m, id))!;
    if (!before.competition_sensitive) {
      throw new ConflictError('NOT_UNDER_REVIEW', 'Only competition-sensitive interactions are reviewed');
    }
    await this.repo.recordReview(m, id, dto.decision, dto.note ?? null, p.userId ?? p.credentialId);
    const after = (await this.repo.findRow(m, id))!;
    await this.audit.record({
      action: `review_${dto.decision}`,
      entityType: 'interaction',
      entityId: id,
      subjects: before.contact_ids,
      before: { reviewStatus: before.review_status, version: before.version },
      after: { reviewStatus: after.review_status, decidedBy: after.reviewed_by, decidedAt: after.reviewed_at, hasNote: !!after.review_note, version: after.version },
    });
    return this.respond(m, after, p);
  }

  async list(q: ListInteractionsQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) {
      throw new ValidationFailedError('from must not be after to', [{ field: 'from', message: 'from must not be after to' }]);
    }
    return this.page(
      { reviewStatus: q.review, flag: q.flag, authorId: q.authorId, eventId: q.eventId, contactId: q.contactId, topic: q.topic, from, to },
      q,
      p,
    );
  }

  async contactTimeline(contactId: string, q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    if (!(await this.contacts.exists(this.tx.manager, contactId))) throw new NotFoundError('Contact', contactId);
    return this.page({ contactId }, q, p);
  }

  /** Interactions linked to the organisation and those with any of its people. */
  async organisationTimeline(organisationId: string, q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    if (!(await this.organisations.exists(this.tx.manager, organisationId))) throw new NotFoundError('Organisation', organisationId);
    return this.page({ organisationId }, q, p);
  }

  /** Recomputes contacts' `last_interaction_at` from their non-archived interactions. */
  private async recomputeLastInteraction(m: EntityManager, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.contacts.setLastInteraction(m, await this.repo.lastInteractionOf(m, contactIds));
  }

  private async page(filter: InteractionFilter, q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const m = this.tx.manager;
    const limit = pageSize(q);
    const before = decodeCursor<[string, string]>(q.cursor, 2) ?? undefined;
    const rows = await this.repo.list(m, { ...filter, before }, limit);
    const followUps = await this.followUps.forInteractions(m, rows.slice(0, limit).map((r) => r.id), p);
    return toPage(rows, limit, (r) => toInteractionResponse(r, p, followUps.get(r.id)), (r) => [r.occurred_key, r.id]);
  }

  private async respond(m: EntityManager, row: InteractionRow, p: Principal): Promise<InteractionResponseDto> {
    const followUps = await this.followUps.forInteractions(m, [row.id], p);
    return toInteractionResponse(row, p, followUps.get(row.id));
  }

  private async lockForChange(m: EntityManager, id: string, ifMatch: IfMatch, p: Principal, allowArchived = false): Promise<InteractionRow> {
    if (!(await this.repo.lockForUpdate(m, id))) throw new NotFoundError('Interaction', id);
    const row = (await this.repo.findRow(m, id))!;
    if (p.role !== 'admin' && !isAuthor(p, row)) throw new ForbiddenError('Only the author of an interaction (or an admin) may change it');
    assertIfMatch(ifMatch, row.version);
    if (row.archived_at && !allowArchived) throw new ConflictError('INTERACTION_ARCHIVED', 'An archived interaction cannot be edited');
    return row;
  }

  /**
   * Unknown references are a 404 naming the first missing id (contacts first; erased contacts count as
   * unknown); nothing has been written yet. One round trip for all of them.
   */
  private async assertReferences(
    m: EntityManager,
    r: { contactIds: string[]; organisationIds: string[]; userIds: string[]; eventId: string | null },
  ): Promise<void> {
    if (!r.contactIds.length && !r.organisationIds.length && !r.userIds.length && !r.eventId) return;
    const missing = await firstMissingReference(m, r);
    if (missing) throw new NotFoundError(missing.kind, missing.id);
  }
}
