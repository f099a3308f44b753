import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { FollowUpRow } from './follow-up.mapper.js';
import { concernsContact, FOLLOW_UP_COLUMNS, FOLLOW_UP_OWN_FIELDS, followUpOwnColumns } from './follow-ups.query.js';

/** The prefix of a composed insert's follow-up columns (they sit beside the interaction's in one row). */
const INSERTED_PREFIX = 'fu_';

export type { FollowUpRow } from './follow-up.mapper.js';

export interface FollowUpFilter {
  status?: string;
  overdue?: boolean;
  assigneeId?: string;
  eventId?: string;
  interactionId?: string;
  contactId?: string;
  /** Keyset cursor: after (due_at, id). */
  after?: [string, string];
}

export interface FollowUpChanges {
  status?: string;
  /** With a status other than `open`: who completed or cancelled it. */
  completedBy?: string | null;
  dueAt?: Date;
  assigneeId?: string | null;
  note?: string | null;
}

/** The follow_ups and calendar_tokens tables (hand-written SQL: the reads join the interaction's contacts). */
@Injectable()
export class FollowUpsRepository {
  async insert(
    m: EntityManager,
    f: { interactionId: string | null; contactId: string | null; eventId: string | null; dueAt: Date; assigneeId: string | null; note: string | null; createdBy: string | null },
  ): Promise<{ id: string; version: number }> {
    const [r] = await queryRows<{ id: string; version: number }>(
      m,
      `INSERT INTO follow_ups (interaction_id, contact_id, event_id, due_at, assignee_id, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, version`,
      [f.interactionId, f.contactId, f.eventId, f.dueAt, f.assigneeId, f.note, f.createdBy],
    );
    return r;
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): the part inserting a new
   * follow-up (id made by the caller) once per row of `from` (the part writing its interaction), and the columns of
   * the final select that answer it (`fu_*`, see {@link insertedRow}).
   */
  insertPart(
    f: { id: string; interactionId: string; eventId: string | null; dueAt: Date; assigneeId: string | null; note: string | null; createdBy: string | null },
    bind: (value: unknown, cast?: string) => string,
    from: string,
    alias: string,
  ): { sql: string; columns: string } {
    const values = [
      bind(f.id, 'uuid'), bind(f.interactionId, 'uuid'), bind(f.eventId, 'uuid'), bind(f.dueAt, 'timestamptz'),
      bind(f.assigneeId, 'uuid'), bind(f.note, 'text'), bind(f.createdBy, 'text'),
    ];
    return {
      sql: `INSERT INTO follow_ups (id, interaction_id, event_id, due_at, assignee_id, note, created_by)
         SELECT ${values.join(', ')} FROM ${from} RETURNING *`,
      columns: followUpOwnColumns(alias, INSERTED_PREFIX),
    };
  }

  /**
   * The follow-up a composed insert answered (its `fu_*` columns, {@link insertPart}) as `findRow` reads it, given
   * what that read joins from the interaction: its contacts (sorted) and, when confidential, who may read the note.
   */
  insertedRow(r: Record<string, unknown>, contactIds: string[], confidentialOf: FollowUpRow['confidential_of']): FollowUpRow {
    const own = Object.fromEntries(FOLLOW_UP_OWN_FIELDS.map((c) => [c, r[INSERTED_PREFIX + c]]));
    return { ...own, contact_ids: contactIds, confidential_of: confidentialOf } as FollowUpRow;
  }

  async findRow(m: EntityManager, id: string): Promise<FollowUpRow | undefined> {
    const [row] = await queryRows<FollowUpRow>(m, `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.id = $1`, [id]);
    return row;
  }

  /** Row lock for a change; false when there is no such follow-up. */
  async lockForUpdate(m: EntityManager, id: string): Promise<boolean> {
    const [locked] = await queryRows(m, 'SELECT id FROM follow_ups WHERE id = $1 FOR UPDATE', [id]);
    return !!locked;
  }

  /** The follow-ups of these interactions, by due date. */
  forInteractions(m: EntityManager, interactionIds: string[]): Promise<FollowUpRow[]> {
    return queryRows<FollowUpRow>(
      m, `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f WHERE f.interaction_id = ANY($1::uuid[]) ORDER BY f.due_at, f.id`, [interactionIds]);
  }

  /** One page (limit + 1 rows) by due date. */
  list(m: EntityManager, q: FollowUpFilter, limit: number): Promise<FollowUpRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.status) where.push(`f.status = ${p(q.status)}`);
    if (q.overdue === true) where.push(`f.status = 'open' AND f.due_at < now()`);
    if (q.overdue === false) where.push(`NOT (f.status = 'open' AND f.due_at < now())`);
    if (q.assigneeId) where.push(`f.assignee_id = ${p(q.assigneeId)}`);
    if (q.eventId) where.push(`f.event_id = ${p(q.eventId)}`);
    if (q.interactionId) where.push(`f.interaction_id = ${p(q.interactionId)}`);
    if (q.contactId) where.push(concernsContact(p(q.contactId)));
    if (q.after) where.push(`(f.due_at, f.id) > (${p(q.after[0])}::timestamptz, ${p(q.after[1])}::uuid)`);
    return queryRows<FollowUpRow>(
      m,
      `SELECT ${FOLLOW_UP_COLUMNS} FROM follow_ups f ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY f.due_at, f.id LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Applies the changes given (none: nothing written, false), bumping the version. */
  async update(m: EntityManager, id: string, c: FollowUpChanges): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (c.status !== undefined) {
      sets.push(`status = ${p(c.status)}`);
      if (c.status === 'open') sets.push('completed_at = NULL', 'completed_by = NULL');
      else sets.push('completed_at = now()', `completed_by = ${p(c.completedBy ?? null)}`);
    }
    if (c.dueAt !== undefined) sets.push(`due_at = ${p(c.dueAt)}`);
    if (c.assigneeId !== undefined) sets.push(`assignee_id = ${p(c.assigneeId)}`);
    if (c.note !== undefined) sets.push(`note = ${p(c.note)}`);
    if (sets.length === 0) return false;
    await m.query(`UPDATE follow_ups SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, params);
    return true;
  }

  /** The interaction was archived: its open follow-ups are cancelled (answers the cancelled rows). */
  cancelForInteraction(
    m: EntityManager,
    interactionId: string,
    cancelledBy: string | null,
  ): Promise<{ id: string; due_at: Date; assignee_id: string | null; version: number }[]> {
    return queryRows<{ id: string; due_at: Date; assignee_id: string | null; version: number }>(
      m,
      `UPDATE follow_ups SET status = 'cancelled', completed_at = now(), completed_by = $2, version = version + 1, updated_at = now()
        WHERE interaction_id = $1 AND status = 'open' RETURNING id, due_at, assignee_id, version`,
      [interactionId, cancelledBy],
    );
  }

  /** The interaction moved to another event (or none): its follow-ups follow. */
  async setEventForInteraction(m: EntityManager, interactionId: string, eventId: string | null): Promise<void> {
    await m.query('UPDATE follow_ups SET event_id = $2 WHERE interaction_id = $1', [interactionId, eventId]);
  }

  /** Stores (or replaces) a user's calendar feed token hash. */
  async saveCalendarToken(m: EntityManager, userId: string, tokenHash: string): Promise<void> {
    await m.query(
      `INSERT INTO calendar_tokens (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, tokenHash],
    );
  }

  /** Export: the raw rows naming the contact (in table order, as the generic export read them). */
  rawRowsOfContact(m: EntityManager, contactId: string): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(m, 'SELECT * FROM "follow_ups" WHERE "contact_id" = $1 ORDER BY "created_at", "id"', [contactId]);
  }

  /** Export: the raw rows of these interactions, by due date. */
  rawRowsOfInteractions(m: EntityManager, interactionIds: string[]): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(m, `SELECT * FROM follow_ups WHERE interaction_id = ANY($1::uuid[]) ORDER BY due_at`, [interactionIds]);
  }

  /** Erasure: the notes of the contact's follow-ups and of those of these interactions go. */
  async clearNotes(m: EntityManager, contactId: string, interactionIds: string[]): Promise<void> {
    await m.query(`UPDATE follow_ups SET note = NULL, updated_at = now(), version = version + 1
                    WHERE note IS NOT NULL AND (contact_id = $1 OR interaction_id = ANY($2::uuid[]))`, [
      contactId,
      interactionIds,
    ]);
  }
}
