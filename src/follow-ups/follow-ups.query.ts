import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { FollowUpRow } from './follow-up.mapper.js';

/**
 * Read-only SQL of follow-ups that joins other owners' tables: a follow-up shows the contacts of its interaction
 * and who may read a confidential interaction's note (interactions/), the calendar feed shows the contacts' names
 * (contacts/) and its owner (users/), an export covers the interactions the contact's consents name (consent/). Nothing here writes; follow_ups itself is written by FollowUpsRepository.
 */

/** A follow-up's own columns as {@link FollowUpRow} names them (what the reads join from its interaction aside). */
export const FOLLOW_UP_OWN_FIELDS = [
  'id', 'interaction_id', 'contact_id', 'event_id', 'due_at', 'assignee_id', 'note', 'status', 'completed_at', 'completed_by',
  'created_by', 'version', 'created_at', 'updated_at', 'due_key', 'overdue',
] as const satisfies readonly (keyof FollowUpRow)[];

/** The select list of {@link FOLLOW_UP_OWN_FIELDS} over the row alias `a`, each named `prefix` + its field. */
export function followUpOwnColumns(a: string, prefix = ''): string {
  const derived: Partial<Record<(typeof FOLLOW_UP_OWN_FIELDS)[number], string>> = {
    due_key: `${a}.due_at::text`,
    overdue: `(${a}.status = 'open' AND ${a}.due_at < now())`,
  };
  return FOLLOW_UP_OWN_FIELDS.map((c) => {
    const expr = derived[c];
    return expr ? `${expr} AS ${prefix}${c}` : prefix ? `${a}.${c} AS ${prefix}${c}` : `${a}.${c}`;
  }).join(', ');
}

/** Columns every follow-up read selects (alias `f`). */
export const FOLLOW_UP_COLUMNS = `
  ${followUpOwnColumns('f')},
  ARRAY(
    SELECT x FROM (
      SELECT ic.contact_id::text AS x FROM interaction_contacts ic WHERE ic.interaction_id = f.interaction_id
      UNION SELECT f.contact_id::text WHERE f.contact_id IS NOT NULL
    ) s ORDER BY x
  ) AS contact_ids,
  (SELECT json_build_object('authorId', i.author_id, 'authorCredentialId', i.author_credential_id,
            'participantIds', ARRAY(SELECT p.user_id::text FROM interaction_participants p WHERE p.interaction_id = i.id))
     FROM interactions i WHERE i.id = f.interaction_id AND i.confidential) AS confidential_of`;

/** Filter (alias `f`): the follow-up names the contact or belongs to one of the contact's interactions. */
export const concernsContact = (c: string) =>
  `(f.contact_id = ${c} OR EXISTS (SELECT 1 FROM interaction_contacts ic WHERE ic.interaction_id = f.interaction_id AND ic.contact_id = ${c}))`;

/** The interaction a new follow-up belongs to: its time (the default due date counts from it) and its event. */
export async function interactionOf(
  m: EntityManager,
  interactionId: string,
): Promise<{ occurred_at: Date; event_id: string | null } | undefined> {
  const [i] = await queryRows<{ occurred_at: Date; event_id: string | null }>(
    m, 'SELECT occurred_at, event_id FROM interactions WHERE id = $1', [interactionId]);
  return i;
}

/** The active user whose calendar feed token this is (by its hash). */
export async function calendarOwner(m: EntityManager, tokenHash: string): Promise<{ user_id: string; name: string } | undefined> {
  const [owner] = await queryRows<{ user_id: string; name: string }>(
    m,
    `SELECT t.user_id, u.name FROM calendar_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND u.active`,
    [tokenHash],
  );
  return owner;
}

export interface CalendarRow {
  id: string;
  due_at: Date;
  note: string | null;
  names: string | null;
  version: number;
  updated_at: Date;
  created_at: Date;
}

/** A user's open follow-ups for the feed, with the names of the (not erased) contacts they concern. */
export function calendarRows(m: EntityManager, userId: string): Promise<CalendarRow[]> {
  return queryRows<CalendarRow>(
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
    [userId],
  );
}

/**
 * The interactions a contact's export covers, as compliance collected them before the holders: those the contact
 * took part in (interaction_contacts), and those named by the contact's own follow-ups and consents.
 */
export async function exportedInteractionIds(m: EntityManager, contactId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT interaction_id::text AS id FROM interaction_contacts WHERE contact_id = $1
     UNION SELECT interaction_id::text FROM follow_ups WHERE contact_id = $1 AND interaction_id IS NOT NULL
     UNION SELECT interaction_id::text FROM consents WHERE contact_id = $1 AND interaction_id IS NOT NULL`,
    [contactId],
  );
  return rows.map((r) => r.id);
}

/** The interactions with this contact alone (erasure: what was said there is about them). */
export async function soloInteractionIds(m: EntityManager, contactId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT i.id FROM interactions i
      WHERE i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = $1)
        AND NOT EXISTS (SELECT 1 FROM interaction_contacts o WHERE o.interaction_id = i.id AND o.contact_id <> $1)`,
    [contactId],
  );
  return rows.map((r) => r.id);
}
