import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SqlPart } from '../database/composed-write.js';
import { queryRows } from '../database/sql.js';
import { withPeopleOfOrganisation } from './interactions.query.js';
import type { InteractionRow } from './interaction.mapper.js';

export type { InteractionRow } from './interaction.mapper.js';

/** The interaction's own columns of every read (alias `i`). */
const OWN_COLUMNS = `
  i.id, i.type, i.occurred_at, i.summary, i.author_id, i.author_credential_id, i.event_id, i.reciprocity,
  i.confidential, i.competition_sensitive, i.review_status, i.review_note, i.reviewed_by, i.reviewed_at,
  i.flags, i.topics, i.archived_at, i.version, i.created_at, i.updated_at, i.occurred_at::text AS occurred_key`;

/** Columns every interaction read selects (alias `i`). */
const INTERACTION_COLUMNS = `${OWN_COLUMNS},
  ARRAY(SELECT x.contact_id::text FROM interaction_contacts x WHERE x.interaction_id = i.id ORDER BY 1) AS contact_ids,
  ARRAY(SELECT x.organisation_id::text FROM interaction_organisations x WHERE x.interaction_id = i.id ORDER BY 1) AS organisation_ids,
  ARRAY(SELECT x.user_id::text FROM interaction_participants x WHERE x.interaction_id = i.id ORDER BY 1) AS participant_ids`;

export interface NewInteraction {
  type: string;
  occurredAt: Date;
  summary: string;
  authorId: string | null;
  authorCredentialId: string | null;
  eventId: string | null;
  reciprocity: string | null;
  confidential: boolean;
  competitionSensitive: boolean;
  flags: string[];
  topics: string[];
}

export interface InteractionChanges {
  flags: string[];
  type?: string;
  occurredAt?: Date;
  summary?: string;
  eventId?: string | null;
  reciprocity?: string | null;
  confidential?: boolean;
  /** A changed competition-sensitivity: the review starts over (pending) or ends (null). */
  competitionSensitive?: boolean;
  topics?: string[];
}

/** Filters of an interaction list (alias `i`); the timelines add theirs. */
export interface InteractionFilter {
  reviewStatus?: string;
  flag?: string;
  authorId?: string;
  eventId?: string;
  contactId?: string;
  /** Carrying this topic (GIN index on topics). */
  topic?: string;
  /** occurred_at ≥ from, < to. */
  from?: Date;
  to?: Date;
  /** Interactions linked to the organisation or with one of its people. */
  organisationId?: string;
  /** Keyset cursor: before (occurred_at, id). */
  before?: [string, string];
}

/**
 * The interactions table and its link tables (interaction_contacts, interaction_organisations,
 * interaction_participants): hand-written SQL, the reads aggregate the links into arrays.
 */
@Injectable()
export class InteractionsRepository {
  /** Whether an interaction with this id exists (archived ones included). */
  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(m, 'SELECT 1 FROM interactions WHERE id = $1', [id])).length > 0;
  }

  async insert(m: EntityManager, i: NewInteraction): Promise<string> {
    const [{ id }] = await queryRows<{ id: string }>(
      m,
      `INSERT INTO interactions (type, occurred_at, summary, author_id, author_credential_id, event_id, reciprocity,
                                 confidential, competition_sensitive, review_status, flags, topics)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [i.type, i.occurredAt, i.summary, i.authorId, i.authorCredentialId, i.eventId, i.reciprocity,
        i.confidential, i.competitionSensitive, i.competitionSensitive ? 'pending' : null, i.flags, i.topics],
    );
    return id;
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): a new interaction (part `i`,
   * its id made by the caller) written once per row of `source.from` that meets `source.where` (the checks of the
   * statement), with `source.flags` (an SQL text[] over it) as its flags; its links (parts `ic`, `io`, `ip`); and
   * the columns answering its row exactly as `findRow` reads it (the link arrays from the ids written, sorted by
   * PostgreSQL as `findRow` sorts them), null columns when it was not written.
   */
  insertParts(
    i: Omit<NewInteraction, 'flags'> & { id: string },
    source: { from: string; where: string; flags: string },
    links: { contactIds: string; organisationIds: string; participantIds: string },
    bind: (value: unknown, cast?: string) => string,
  ): { parts: SqlPart[]; columns: string } {
    const values = [
      bind(i.id, 'uuid'), bind(i.type, 'text'), bind(i.occurredAt, 'timestamptz'), bind(i.summary, 'text'), bind(i.authorId, 'uuid'),
      bind(i.authorCredentialId, 'uuid'), bind(i.eventId, 'uuid'), bind(i.reciprocity, 'text'), bind(i.confidential, 'boolean'),
      bind(i.competitionSensitive, 'boolean'), bind(i.competitionSensitive ? 'pending' : null, 'text'), source.flags,
      bind(i.topics, 'text[]'),
    ];
    const { contactIds, organisationIds, participantIds } = links;
    return {
      parts: [
        {
          name: 'i',
          sql: `INSERT INTO interactions (id, type, occurred_at, summary, author_id, author_credential_id, event_id, reciprocity,
                                   confidential, competition_sensitive, review_status, flags, topics)
         SELECT ${values.join(', ')} FROM ${source.from} WHERE ${source.where} RETURNING *`,
        },
        { name: 'ic', sql: `INSERT INTO interaction_contacts (interaction_id, contact_id) SELECT i.id, x FROM i, unnest(${contactIds}) x` },
        { name: 'io', sql: `INSERT INTO interaction_organisations (interaction_id, organisation_id) SELECT i.id, x FROM i, unnest(${organisationIds}) x` },
        { name: 'ip', sql: `INSERT INTO interaction_participants (interaction_id, user_id) SELECT i.id, x FROM i, unnest(${participantIds}) x` },
      ],
      columns: `${OWN_COLUMNS},
         ARRAY(SELECT x::text FROM unnest(${contactIds}) x ORDER BY 1) AS contact_ids,
         ARRAY(SELECT x::text FROM unnest(${organisationIds}) x ORDER BY 1) AS organisation_ids,
         ARRAY(SELECT x::text FROM unnest(${participantIds}) x ORDER BY 1) AS participant_ids`,
    };
  }

  async findRow(m: EntityManager, id: string): Promise<InteractionRow | undefined> {
    const [row] = await queryRows<InteractionRow>(m, `SELECT ${INTERACTION_COLUMNS} FROM interactions i WHERE i.id = $1`, [id]);
    return row;
  }

  /** Row lock for a change; false when there is no such interaction. */
  async lockForUpdate(m: EntityManager, id: string): Promise<boolean> {
    const [locked] = await queryRows(m, 'SELECT id FROM interactions WHERE id = $1 FOR UPDATE', [id]);
    return !!locked;
  }

  async update(m: EntityManager, id: string, c: InteractionChanges): Promise<void> {
    const sets: string[] = ['flags = $2'];
    const params: unknown[] = [id, c.flags];
    const s = (col: string, v: unknown) => sets.push(`${col} = $${params.push(v)}`);
    if (c.type !== undefined) s('type', c.type);
    if (c.occurredAt !== undefined) s('occurred_at', c.occurredAt);
    if (c.summary !== undefined) s('summary', c.summary);
    if (c.eventId !== undefined) s('event_id', c.eventId);
    if (c.reciprocity !== undefined) s('reciprocity', c.reciprocity);
    if (c.confidential !== undefined) s('confidential', c.confidential);
    if (c.topics !== undefined) s('topics', c.topics);
    if (c.competitionSensitive !== undefined) {
      s('competition_sensitive', c.competitionSensitive);
      s('review_status', c.competitionSensitive ? 'pending' : null);
      sets.push('review_note = NULL', 'reviewed_by = NULL', 'reviewed_at = NULL');
    }
    await m.query(`UPDATE interactions SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1`, params);
  }

  async archive(m: EntityManager, id: string): Promise<void> {
    await m.query('UPDATE interactions SET archived_at = now(), version = version + 1, updated_at = now() WHERE id = $1', [id]);
  }

  async recordReview(m: EntityManager, id: string, decision: string, note: string | null, decidedBy: string | null): Promise<void> {
    await m.query(
      `UPDATE interactions SET review_status = $2, review_note = $3, reviewed_by = $4, reviewed_at = now(),
              version = version + 1, updated_at = now() WHERE id = $1`,
      [id, decision, note, decidedBy],
    );
  }

  async insertLinks(m: EntityManager, id: string, contactIds: string[], organisationIds: string[], participantIds: string[]): Promise<void> {
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

  /** Replaces the links given (undefined: kept). */
  async replaceLinks(
    m: EntityManager,
    id: string,
    links: { contactIds?: string[]; organisationIds?: string[]; participantIds?: string[] },
  ): Promise<void> {
    if (links.contactIds) await m.query('DELETE FROM interaction_contacts WHERE interaction_id = $1', [id]);
    if (links.organisationIds) await m.query('DELETE FROM interaction_organisations WHERE interaction_id = $1', [id]);
    if (links.participantIds) await m.query('DELETE FROM interaction_participants WHERE interaction_id = $1', [id]);
    await this.insertLinks(m, id, links.contactIds ?? [], links.organisationIds ?? [], links.participantIds ?? []);
  }

  /** Non-archived interactions, newest first: one page (limit + 1 rows). */
  list(m: EntityManager, q: InteractionFilter, limit: number): Promise<InteractionRow[]> {
    const where: string[] = ['i.archived_at IS NULL'];
    const params: unknown[] = [];
    const v = (x: unknown) => `$${params.push(x)}`;
    if (q.organisationId !== undefined) {
      const o = v(q.organisationId);
      where.push(`(i.id IN (SELECT interaction_id FROM interaction_organisations WHERE organisation_id = ${o})
          OR ${withPeopleOfOrganisation(o)})`);
    }
    if (q.reviewStatus) where.push(`i.review_status = ${v(q.reviewStatus)}`);
    if (q.flag) where.push(`${v(q.flag)} = ANY(i.flags)`);
    if (q.authorId) where.push(`i.author_id = ${v(q.authorId)}`);
    if (q.eventId) where.push(`i.event_id = ${v(q.eventId)}`);
    if (q.contactId) where.push(`i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = ${v(q.contactId)})`);
    if (q.topic) where.push(`i.topics @> ARRAY[${v(q.topic)}::text]`);
    if (q.from) where.push(`i.occurred_at >= ${v(q.from)}`);
    if (q.to) where.push(`i.occurred_at < ${v(q.to)}`);
    if (q.before) where.push(`(i.occurred_at, i.id) < (${v(q.before[0])}::timestamptz, ${v(q.before[1])}::uuid)`);
    return queryRows<InteractionRow>(
      m,
      `SELECT ${INTERACTION_COLUMNS} FROM interactions i WHERE ${where.join(' AND ')}
       ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${limit + 1}`,
      params,
    );
  }

  /** Each contact's latest non-archived interaction (null: none), for every id given. */
  async lastInteractionOf(m: EntityManager, contactIds: string[]): Promise<{ id: string; at: Date | null }[]> {
    return queryRows<{ id: string; at: Date | null }>(
      m,
      `SELECT x.id::text AS id, (
         SELECT max(i.occurred_at) FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
          WHERE ic.contact_id = x.id AND i.archived_at IS NULL) AS at
       FROM unnest($1::uuid[]) AS x(id)`,
      [contactIds],
    );
  }

  // ---- personal data (InteractionsPersonalData) ---------------------------------------------------------------

  /**
   * Export: the interactions as stored, with the staff who took part (`participant_ids`) and whether another contact
   * took part too (`shared_with_others`), newest first.
   */
  exportRows(m: EntityManager, ids: string[], contactId: string): Promise<(Record<string, unknown> & { shared_with_others: boolean })[]> {
    return queryRows(
      m,
      `SELECT i.*,
              ARRAY(SELECT p.user_id::text FROM interaction_participants p WHERE p.interaction_id = i.id ORDER BY 1) AS participant_ids,
              EXISTS (SELECT 1 FROM interaction_contacts o WHERE o.interaction_id = i.id AND o.contact_id <> $2) AS shared_with_others
         FROM interactions i WHERE i.id = ANY($1::uuid[]) ORDER BY i.occurred_at DESC`,
      [ids, contactId],
    );
  }

  /** Erasure: what was said with this contact alone is about them; the summary goes, the fact stays. */
  async eraseSoloSummaries(m: EntityManager, contactId: string): Promise<void> {
    await m.query(
      `UPDATE interactions i SET summary = '[erased]', updated_at = now(), version = version + 1
        WHERE i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = $1)
          AND NOT EXISTS (SELECT 1 FROM interaction_contacts o WHERE o.interaction_id = i.id AND o.contact_id <> $1)
        RETURNING i.id`,
      [contactId],
    );
  }
}
