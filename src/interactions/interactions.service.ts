import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/role.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { decodeCursor, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { FollowUpsService } from '../follow-ups/follow-ups.service.js';
import { queryRows } from '../database/sql.js';
import { CreateInteractionDto, ReviewDecisionDto, UpdateInteractionDto } from './dto/create-interaction.dto.js';
import { ListInteractionsQueryDto } from './dto/interaction-query.dto.js';
import { InteractionResponseDto } from './dto/interaction.response.dto.js';
import { INTERACTION_COLUMNS, interactionAudit, InteractionRow, isAuthor, toInteractionResponse } from './interaction.mapper.js';

interface FlagInput {
  staffIds: string[];
  organisationIds: string[];
  contactIds: string[];
  eventId: string | null;
}

@Injectable()
export class InteractionsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly followUps: FollowUpsService,
  ) {}

  async create(dto: CreateInteractionDto, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const organisationIds = dto.organisationIds ?? [];
    const participantIds = (dto.participantIds ?? []).filter((u) => u !== p.userId);
    const eventId = dto.eventId ?? null;
    await this.assertReferences(m, { contactIds: dto.contactIds, organisationIds, userIds: participantIds, eventId });
    const flags = await this.computeFlags(m, {
      staffIds: [...(p.userId ? [p.userId] : []), ...participantIds],
      organisationIds,
      contactIds: dto.contactIds,
      eventId,
    });
    const occurredAt = new Date(dto.occurredAt);
    const sensitive = dto.competitionSensitive ?? false;
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO interactions (type, occurred_at, summary, author_id, author_credential_id, event_id, reciprocity,
                                 confidential, competition_sensitive, review_status, flags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [dto.type, occurredAt, dto.summary, p.userId, p.credentialId, eventId, dto.reciprocity ?? null,
        dto.confidential ?? false, sensitive, sensitive ? 'pending' : null, flags],
    );
    await this.insertLinks(m, id, dto.contactIds, organisationIds, participantIds);
    const audits: AuditInput[] = [];
    if (dto.followUp) {
      const f = await this.followUps.insert(
        m,
        { interactionId: id, contactId: null, eventId, from: occurredAt, dueAt: dto.followUp.dueAt, assigneeId: dto.followUp.assigneeId, note: dto.followUp.note },
        p,
      );
      audits.push({ action: 'create', entityType: 'follow_up', entityId: f.id, after: f.audit });
    }
    // Monotonic on create, so concurrent writers for the same contact never lower it.
    await m.query(
      `UPDATE contacts SET last_interaction_at = GREATEST(last_interaction_at, $2) WHERE id = ANY($1::uuid[])`,
      [dto.contactIds, occurredAt],
    );
    const row = (await this.loadRow(m, id))!;
    audits.unshift({ action: 'create', entityType: 'interaction', entityId: id, after: interactionAudit(row) });
    await this.audit.recordMany(audits);
    return this.respond(m, row, p);
  }

  async findOne(id: string, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const row = await this.loadRow(m, id);
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
    const flags = await this.computeFlags(m, {
      staffIds: [...(before.author_id ? [before.author_id] : []), ...participantIds],
      organisationIds,
      contactIds,
      eventId,
    });
    const sets: string[] = ['flags = $2'];
    const params: unknown[] = [id, flags];
    const s = (col: string, v: unknown) => sets.push(`${col} = $${params.push(v)}`);
    if (dto.type !== undefined) s('type', dto.type);
    if (dto.occurredAt !== undefined) s('occurred_at', new Date(dto.occurredAt));
    if (dto.summary !== undefined) s('summary', dto.summary);
    if (dto.eventId !== undefined) s('event_id', dto.eventId);
    if (dto.reciprocity !== undefined) s('reciprocity', dto.reciprocity);
    if (dto.confidential !== undefined) s('confidential', dto.confidential);
    if (dto.competitionSensitive !== undefined && dto.competitionSensitive !== before.competition_sensitive) {
      s('competition_sensitive', dto.competitionSensitive);
      s('review_status', dto.competitionSensitive ? 'pending' : null);
      sets.push('review_note = NULL', 'reviewed_by = NULL', 'reviewed_at = NULL');
    }
    await m.query(`UPDATE interactions SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, params);
    if (dto.contactIds || dto.organisationIds || dto.participantIds) {
      if (dto.contactIds) await m.query('DELETE FROM interaction_contacts WHERE interaction_id = $1', [id]);
      if (dto.organisationIds) await m.query('DELETE FROM interaction_organisations WHERE interaction_id = $1', [id]);
      if (dto.participantIds) await m.query('DELETE FROM interaction_participants WHERE interaction_id = $1', [id]);
      await this.insertLinks(m, id, dto.contactIds ?? [], dto.organisationIds ?? [], dto.participantIds ? participantIds : []);
    }
    if (dto.eventId !== undefined && dto.eventId !== before.event_id) {
      await m.query('UPDATE follow_ups SET event_id = $2 WHERE interaction_id = $1', [id, dto.eventId]);
    }
    if (dto.contactIds || dto.occurredAt) await this.recomputeLastInteraction(m, [...new Set([...before.contact_ids, ...contactIds])]);
    const after = (await this.loadRow(m, id))!;
    await this.audit.record({
      action: 'update',
      entityType: 'interaction',
      entityId: id,
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
    await m.query('UPDATE interactions SET archived_at = now(), version = version + 1, updated_at = now() WHERE id = $1', [id]);
    await this.recomputeLastInteraction(m, before.contact_ids);
    // Its open follow-ups go with it: cancelled, recorded like any status change.
    const cancelled = await queryRows<{ id: string; due_at: Date; assignee_id: string | null; version: number }>(
      m,
      `UPDATE follow_ups SET status = 'cancelled', completed_at = now(), completed_by = $2, version = version + 1, updated_at = now()
        WHERE interaction_id = $1 AND status = 'open' RETURNING id, due_at, assignee_id, version`,
      [id, p.userId ?? p.credentialId],
    );
    const after = (await this.loadRow(m, id))!;
    await this.audit.recordMany([
      { action: 'archive', entityType: 'interaction', entityId: id, before: interactionAudit(before), after: interactionAudit(after) },
      ...cancelled.map((f) => ({
        action: 'status_cancelled',
        entityType: 'follow_up',
        entityId: f.id,
        before: { status: 'open', version: f.version - 1 },
        after: { status: 'cancelled', reason: 'interaction_archived', completedBy: p.userId ?? p.credentialId, assigneeId: f.assignee_id, version: f.version },
      })),
    ]);
  }

  /** Compliance clears or escalates a competition-sensitive interaction. */
  async review(id: string, dto: ReviewDecisionDto, p: Principal): Promise<InteractionResponseDto> {
    const m = this.tx.manager;
    const [locked] = await queryRows(m, 'SELECT id FROM interactions WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundError('Interaction', id);
    const before = (await this.loadRow(m, id))!;
    if (!before.competition_sensitive) {
      throw new ConflictError('NOT_UNDER_REVIEW', 'Only competition-sensitive interactions are reviewed');
    }
    await m.query(
      `UPDATE interactions SET review_status = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(),
              version = version + 1, updated_at = now() WHERE id = $1`,
      [id, dto.decision, dto.note ?? null, p.userId ?? p.credentialId],
    );
    const after = (await this.loadRow(m, id))!;
    await this.audit.record({
      action: `review_${dto.decision}`,
      entityType: 'interaction',
      entityId: id,
      before: { reviewStatus: before.review_status, version: before.version },
      after: { reviewStatus: after.review_status, decidedBy: after.reviewed_by, decidedAt: after.reviewed_at, hasNote: !!after.review_note, version: after.version },
    });
    return this.respond(m, after, p);
  }

  async list(q: ListInteractionsQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const where: string[] = ['i.archived_at IS NULL'];
    const params: unknown[] = [];
    const v = (x: unknown) => `$${params.push(x)}`;
    if (q.review) where.push(`i.review_status = ${v(q.review)}`);
    if (q.flag) where.push(`${v(q.flag)} = ANY(i.flags)`);
    if (q.authorId) where.push(`i.author_id = ${v(q.authorId)}`);
    if (q.eventId) where.push(`i.event_id = ${v(q.eventId)}`);
    if (q.contactId) where.push(`i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = ${v(q.contactId)})`);
    return this.page(where, params, q, p);
  }

  async contactTimeline(contactId: string, q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const [c] = await queryRows(this.tx.manager, 'SELECT 1 FROM contacts WHERE id = $1', [contactId]);
    if (!c) throw new NotFoundError('Contact', contactId);
    return this.page(
      ['i.archived_at IS NULL', 'i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = $1)'],
      [contactId],
      q,
      p,
    );
  }

  /** Interactions linked to the organisation and those with any of its people. */
  async organisationTimeline(organisationId: string, q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const [o] = await queryRows(this.tx.manager, 'SELECT 1 FROM organisations WHERE id = $1', [organisationId]);
    if (!o) throw new NotFoundError('Organisation', organisationId);
    return this.page(
      [
        'i.archived_at IS NULL',
        `(i.id IN (SELECT interaction_id FROM interaction_organisations WHERE organisation_id = $1)
          OR i.id IN (SELECT ic.interaction_id FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id WHERE c.organisation_id = $1))`,
      ],
      [organisationId],
      q,
      p,
    );
  }

  /**
   * Recomputes contacts' `last_interaction_at` from their non-archived interactions. Exposed for the
   * contacts module (merge moves interaction_contacts rows; call this for the kept contact afterwards).
   */
  async recomputeLastInteraction(m: EntityManager, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await m.query(
      `UPDATE contacts c SET last_interaction_at = (
         SELECT max(i.occurred_at) FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
          WHERE ic.contact_id = c.id AND i.archived_at IS NULL)
       WHERE c.id = ANY($1::uuid[])`,
      [contactIds],
    );
  }

  /**
   * Moves a duplicate contact's interactions and follow-ups onto the kept contact (for merges), without
   * duplicating a link when both took part in the same interaction, then recomputes both contacts.
   */
  async moveContact(m: EntityManager, fromContactId: string, toContactId: string): Promise<void> {
    await m.query(
      `INSERT INTO interaction_contacts (interaction_id, contact_id)
       SELECT interaction_id, $2 FROM interaction_contacts WHERE contact_id = $1 ON CONFLICT DO NOTHING`,
      [fromContactId, toContactId],
    );
    await m.query('DELETE FROM interaction_contacts WHERE contact_id = $1', [fromContactId]);
    await m.query('UPDATE follow_ups SET contact_id = $2 WHERE contact_id = $1', [fromContactId, toContactId]);
    await this.recomputeLastInteraction(m, [fromContactId, toContactId]);
  }

  private async page(where: string[], params: unknown[], q: PageQueryDto, p: Principal): Promise<Page<InteractionResponseDto>> {
    const m = this.tx.manager;
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    if (after) where.push(`(i.occurred_at, i.id) < ($${params.push(after[0])}::timestamptz, $${params.push(after[1])}::uuid)`);
    const rows = await queryRows<InteractionRow>(
      m,
      `SELECT ${INTERACTION_COLUMNS} FROM interactions i WHERE ${where.join(' AND ')}
       ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const followUps = await this.followUps.forInteractions(m, rows.slice(0, limit).map((r) => r.id), p);
    return toPage(rows, limit, (r) => toInteractionResponse(r, p, followUps.get(r.id)), (r) => [r.occurred_key, r.id]);
  }

  private async respond(m: EntityManager, row: InteractionRow, p: Principal): Promise<InteractionResponseDto> {
    const followUps = await this.followUps.forInteractions(m, [row.id], p);
    return toInteractionResponse(row, p, followUps.get(row.id));
  }

  private async lockForChange(m: EntityManager, id: string, ifMatch: IfMatch, p: Principal, allowArchived = false): Promise<InteractionRow> {
    const [locked] = await queryRows(m, 'SELECT id FROM interactions WHERE id = $1 FOR UPDATE', [id]);
    if (!locked) throw new NotFoundError('Interaction', id);
    const row = (await this.loadRow(m, id))!;
    if (p.role !== 'admin' && !isAuthor(p, row)) throw new ForbiddenError('Only the author of an interaction (or an admin) may change it');
    assertIfMatch(ifMatch, row.version);
    if (row.archived_at && !allowArchived) throw new ConflictError('INTERACTION_ARCHIVED', 'An archived interaction cannot be edited');
    return row;
  }

  private async loadRow(m: EntityManager, id: string): Promise<InteractionRow | undefined> {
    const [row] = await queryRows<InteractionRow>(m, `SELECT ${INTERACTION_COLUMNS} FROM interactions i WHERE i.id = $1`, [id]);
    return row;
  }

  private async insertLinks(m: EntityManager, id: string, contactIds: string[], organisationIds: string[], participantIds: string[]): Promise<void> {
    if (contactIds.length) {
      await m.query('INSERT INTO interaction_contacts (interaction_id, contact_id) SELECT $1, unnest($2::uuid[])', [id, contactIds]);
    }
    if (organisationIds.length) {
      await m.query('INSERT INTO interaction_organisations (interaction_id, organisation_id) SELECT $1, unnest($2::uuid[])', [id, organisationIds]);
    }
    if (participantIds.length) {
      await m.query('INSERT INTO interaction_participants (interaction_id, user_id) SELECT $1, unnest($2::uuid[])', [id, participantIds]);
    }
  }

  /**
   * `conflict_of_interest`: a staff member involved declared a conflict with an organisation linked to the
   * interaction or employing one of its contacts. `not_representative`: at an event, a staff member involved
   * is not among the event's representatives.
   */
  private async computeFlags(m: EntityManager, f: FlagInput): Promise<string[]> {
    if (f.staffIds.length === 0) return [];
    const [r] = await queryRows<{ coi: boolean; nr: boolean }>(
      m,
      `SELECT
         EXISTS (SELECT 1 FROM conflicts_of_interest c
                  WHERE c.user_id = ANY($1::uuid[])
                    AND (c.organisation_id = ANY($2::uuid[])
                         OR c.organisation_id IN (SELECT organisation_id FROM contacts WHERE id = ANY($3::uuid[]) AND organisation_id IS NOT NULL))) AS coi,
         ($4::uuid IS NOT NULL AND EXISTS (
            SELECT 1 FROM unnest($1::uuid[]) s(u)
             WHERE NOT EXISTS (SELECT 1 FROM event_representatives r WHERE r.event_id = $4::uuid AND r.user_id = s.u))) AS nr`,
      [f.staffIds, f.organisationIds, f.contactIds, f.eventId],
    );
    const flags: string[] = [];
    if (r.coi) flags.push('conflict_of_interest');
    if (r.nr) flags.push('not_representative');
    return flags;
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
    const [missing] = await queryRows<{ kind: string; id: string }>(
      m,
      `SELECT * FROM (
         SELECT 1 AS o, 'Contact' AS kind, x::text AS id FROM unnest($1::uuid[]) x
          WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = x AND c.erased_at IS NULL)
         UNION ALL
         SELECT 2, 'Organisation', x::text FROM unnest($2::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = x)
         UNION ALL
         SELECT 3, 'User', x::text FROM unnest($3::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x)
         UNION ALL
         SELECT 4, 'Event', $4::text WHERE $4::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = $4::uuid)
       ) s ORDER BY o LIMIT 1`,
      [r.contactIds, r.organisationIds, r.userIds, r.eventId],
    );
    if (missing) throw new NotFoundError(missing.kind, missing.id);
  }
}
