import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { iso, queryRows } from '../database/sql.js';
import type { AttendeeResponseDto, EventResponseDto } from './dto/event.dto.js';

export interface EventRow {
  id: string;
  name: string;
  starts_at: Date;
  starts_key: string;
  ends_at: Date | null;
  location: string | null;
  organiser_id: string | null;
  representative_ids: string[];
  goals: string | null;
  key_messages: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `e.id, e.name, e.starts_at, e.starts_at::text AS starts_key, e.ends_at, e.location, e.organiser_id, e.goals, e.key_messages, e.version, e.created_at, e.updated_at,
  ARRAY(SELECT r.user_id::text FROM event_representatives r WHERE r.event_id = e.id ORDER BY r.user_id) AS representative_ids`;

export const toEventResponse = (r: EventRow): EventResponseDto => ({
  id: r.id,
  name: r.name,
  startsAt: iso(r.starts_at)!,
  endsAt: iso(r.ends_at),
  location: r.location,
  organiserId: r.organiser_id,
  representativeIds: r.representative_ids ?? [],
  goals: r.goals,
  keyMessages: r.key_messages ?? [],
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export interface EventChanges {
  name?: string;
  startsAt?: Date;
  endsAt?: Date | null;
  location?: string | null;
  organiserId?: string | null;
  goals?: string | null;
  keyMessages?: string[];
}

/** The events and event_representatives tables (hand-written SQL: a read aggregates the representatives). */
@Injectable()
export class EventsRepository {
  async insert(
    m: EntityManager,
    e: {
      name: string;
      startsAt: Date;
      endsAt: Date | null;
      location: string | null;
      organiserId: string | null;
      goals: string | null;
      keyMessages: string[];
      createdBy: string | null;
    },
  ): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO events (name, starts_at, ends_at, location, organiser_id, goals, key_messages, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [e.name, e.startsAt, e.endsAt, e.location, e.organiserId, e.goals, e.keyMessages, e.createdBy],
    );
    return id;
  }

  async findRow(m: EntityManager, id: string): Promise<EventRow | undefined> {
    const [row] = await queryRows<EventRow>(m, `SELECT ${COLUMNS} FROM events e WHERE e.id = $1`, [id]);
    return row;
  }

  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(m, 'SELECT 1 FROM events WHERE id = $1', [id])).length > 0;
  }

  /** Row lock for a change; false when there is no such event. */
  async lockForUpdate(m: EntityManager, id: string): Promise<boolean> {
    const [locked] = await queryRows(m, 'SELECT id FROM events WHERE id = $1 FOR UPDATE', [id]);
    return !!locked;
  }

  /** Newest first: one page (limit + 1 rows). */
  list(m: EntityManager, q: { from?: Date; to?: Date; before?: [string, string] }, limit: number): Promise<EventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.from) where.push(`e.starts_at >= ${p(q.from)}`);
    if (q.to) where.push(`e.starts_at < ${p(q.to)}`);
    if (q.before) where.push(`(e.starts_at, e.id) < (${p(q.before[0])}::timestamptz, ${p(q.before[1])}::uuid)`);
    return queryRows<EventRow>(
      m,
      `SELECT ${COLUMNS} FROM events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.starts_at DESC, e.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Applies the changes given and bumps the version (also with no column change: the representatives changed). */
  async update(m: EntityManager, id: string, c: EventChanges): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (c.name !== undefined) sets.push(`name = ${p(c.name)}`);
    if (c.startsAt !== undefined) sets.push(`starts_at = ${p(c.startsAt)}`);
    if (c.endsAt !== undefined) sets.push(`ends_at = ${p(c.endsAt)}`);
    if (c.location !== undefined) sets.push(`location = ${p(c.location)}`);
    if (c.organiserId !== undefined) sets.push(`organiser_id = ${p(c.organiserId)}`);
    if (c.goals !== undefined) sets.push(`goals = ${p(c.goals)}`);
    if (c.keyMessages !== undefined) sets.push(`key_messages = ${p(c.keyMessages)}`);
    await m.query(`UPDATE events SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
  }

  async addRepresentatives(m: EntityManager, eventId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await m.query(
      `INSERT INTO event_representatives (event_id, user_id) SELECT $1, u FROM unnest($2::uuid[]) u ON CONFLICT DO NOTHING`,
      [eventId, userIds],
    );
  }

  async removeRepresentatives(m: EntityManager, eventId: string): Promise<void> {
    await m.query('DELETE FROM event_representatives WHERE event_id = $1', [eventId]);
  }

  /** Deletes the event (its representatives and attendees go with it, ON DELETE CASCADE). */
  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query('DELETE FROM events WHERE id = $1', [id]);
  }

  // event_attendees

  /** Records an attendance; false when the contact is already recorded for the event. */
  async addAttendee(m: EntityManager, a: { eventId: string; contactId: string; note: string | null; createdBy: string | null }): Promise<AttendeeRow | undefined> {
    const [row] = await queryRows<AttendeeRow>(
      m,
      `INSERT INTO event_attendees (event_id, contact_id, note, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id, contact_id) DO NOTHING RETURNING ${ATTENDEE_COLUMNS}`,
      [a.eventId, a.contactId, a.note, a.createdBy],
    );
    return row;
  }

  async findAttendee(m: EntityManager, eventId: string, contactId: string): Promise<AttendeeRow | undefined> {
    const [row] = await queryRows<AttendeeRow>(
      m, `SELECT ${ATTENDEE_COLUMNS} FROM event_attendees WHERE event_id = $1 AND contact_id = $2`, [eventId, contactId]);
    return row;
  }

  async removeAttendee(m: EntityManager, eventId: string, contactId: string): Promise<void> {
    await m.query('DELETE FROM event_attendees WHERE event_id = $1 AND contact_id = $2', [eventId, contactId]);
  }

  /** In order of recording: one page (limit + 1 rows). */
  listAttendees(m: EntityManager, eventId: string, limit: number, after?: [string, string]): Promise<AttendeeRow[]> {
    return queryRows<AttendeeRow>(
      m,
      `SELECT ${ATTENDEE_COLUMNS} FROM event_attendees
        WHERE event_id = $1 ${after ? 'AND (created_at, contact_id) > ($2::timestamptz, $3::uuid)' : ''}
        ORDER BY created_at, contact_id LIMIT ${limit + 1}`,
      after ? [eventId, after[0], after[1]] : [eventId],
    );
  }

  /** A contact's attendances (export), with the event's name and start, oldest first. */
  attendancesOf(m: EntityManager, contactId: string): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(
      m,
      `SELECT ea.event_id, e.name AS event_name, e.starts_at AS event_starts_at, ea.note, ea.created_at, ea.created_by
         FROM event_attendees ea JOIN events e ON e.id = ea.event_id
        WHERE ea.contact_id = $1 ORDER BY e.starts_at, ea.event_id`,
      [contactId],
    );
  }

  /** Erasure: who attended what is personal data; the attendance rows go. */
  async deleteAttendancesOf(m: EntityManager, contactId: string): Promise<void> {
    await m.query('DELETE FROM event_attendees WHERE contact_id = $1', [contactId]);
  }
}

export interface AttendeeRow {
  event_id: string;
  contact_id: string;
  note: string | null;
  created_at: Date;
  created_by: string | null;
  created_key: string;
}

const ATTENDEE_COLUMNS = 'event_id, contact_id, note, created_at, created_by, created_at::text AS created_key';

export const toAttendeeResponse = (r: AttendeeRow): AttendeeResponseDto => ({
  eventId: r.event_id,
  contactId: r.contact_id,
  note: r.note,
  createdAt: iso(r.created_at)!,
  createdBy: r.created_by,
});
