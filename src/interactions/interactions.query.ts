import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/**
 * Read-only, set-based SQL of interactions that reads other owners' tables: the reference check of a new or changed
 * interaction (contacts/, organisations/, users/, events/), its flags (conflicts_of_interest of networks/, the
 * event's representatives of events/, the contacts' employers) and the organisation timeline (the organisation's
 * people). Nothing here writes.
 */

export interface FlagInput {
  staffIds: string[];
  organisationIds: string[];
  contactIds: string[];
  eventId: string | null;
}

export interface References {
  contactIds: string[];
  organisationIds: string[];
  userIds: string[];
  eventId: string | null;
}

/**
 * The flags' two columns, `coi` and `nr`, over placeholders for the staff, organisation and contact id arrays and
 * the event id. `conflict_of_interest`: a staff member involved declared a conflict with an organisation linked to
 * the interaction or employing one of its contacts. `not_representative`: at an event, a staff member involved is
 * not among the event's representatives.
 */
const flagColumns = (staff: string, organisations: string, contacts: string, event: string) => `
       EXISTS (SELECT 1 FROM conflicts_of_interest c
                WHERE c.user_id = ANY(${staff}::uuid[])
                  AND (c.organisation_id = ANY(${organisations}::uuid[])
                       OR c.organisation_id IN (SELECT organisation_id FROM contacts WHERE id = ANY(${contacts}::uuid[]) AND organisation_id IS NOT NULL))) AS coi,
       (${event}::uuid IS NOT NULL AND EXISTS (
          SELECT 1 FROM unnest(${staff}::uuid[]) s(u)
           WHERE NOT EXISTS (SELECT 1 FROM event_representatives r WHERE r.event_id = ${event}::uuid AND r.user_id = s.u))) AS nr`;

/** Each flag's column of {@link flagColumns}, in the order an interaction lists its flags. */
const FLAGS = [
  ['coi', 'conflict_of_interest'],
  ['nr', 'not_representative'],
] as const;

const flagsOf = (r: { coi: boolean; nr: boolean }): string[] => FLAGS.filter(([column]) => r[column]).map(([, flag]) => flag);

/**
 * The first unknown reference of the contacts, organisations, users (uuid[] placeholders), the event and then a
 * follow-up's assignee (uuid placeholders or NULL), contacts first; erased contacts count as unknown: one row
 * `(o, kind, id)` or none.
 */
const firstMissing = (contacts: string, organisations: string, users: string, event: string, assignee = 'NULL') => `SELECT * FROM (
       SELECT 1 AS o, 'Contact' AS kind, x::text AS id FROM unnest(${contacts}::uuid[]) x
        WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = x AND c.erased_at IS NULL)
       UNION ALL
       SELECT 2, 'Organisation', x::text FROM unnest(${organisations}::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = x)
       UNION ALL
       SELECT 3, 'User', x::text FROM unnest(${users}::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x)
       UNION ALL
       SELECT 4, 'Event', ${event}::text WHERE ${event}::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = ${event}::uuid)${
         assignee === 'NULL' ? '' : `
       UNION ALL
       SELECT 5, 'User', ${assignee}::text WHERE ${assignee}::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = ${assignee}::uuid)`}
     ) s ORDER BY o LIMIT 1`;

const FIRST_MISSING = firstMissing('$1', '$2', '$3', '$4');

/** The interaction's flags (see {@link flagColumns}). */
export async function interactionFlags(m: EntityManager, f: FlagInput): Promise<string[]> {
  if (f.staffIds.length === 0) return [];
  const [r] = await queryRows<{ coi: boolean; nr: boolean }>(m, `SELECT ${flagColumns('$1', '$2', '$3', '$4')}`, [
    f.staffIds,
    f.organisationIds,
    f.contactIds,
    f.eventId,
  ]);
  return flagsOf(r);
}

/** The first unknown reference (contacts first; erased contacts count as unknown), or undefined. One round trip. */
export async function firstMissingReference(m: EntityManager, r: References): Promise<{ kind: string; id: string } | undefined> {
  const [missing] = await queryRows<{ kind: string; id: string }>(m, FIRST_MISSING, [r.contactIds, r.organisationIds, r.userIds, r.eventId]);
  return missing;
}

/** Filter (alias `i`): interactions with one of the organisation's people (its id in placeholder `p`). */
export const withPeopleOfOrganisation = (p: string) =>
  `i.id IN (SELECT ic.interaction_id FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id WHERE c.organisation_id = ${p})`;

/**
 * For a statement composed of several owners' parts (database/composed-write.ts): `referencesAndFlags` as a part
 * (placeholders bound by the caller; a follow-up's assignee is checked last) answering one row: `missing_kind` and `missing_id` (null when every reference
 * exists) and `flags`, the interaction's flags as a text[] in the order of {@link FLAGS}. Read-only.
 */
export function referencesAndFlagsPart(
  r: { contactIds: string; organisationIds: string; userIds: string; eventId: string; followUpAssigneeId: string },
  f: { staffIds: string; organisationIds: string; contactIds: string; eventId: string },
): string {
  return `WITH missing AS (${firstMissing(r.contactIds, r.organisationIds, r.userIds, r.eventId, r.followUpAssigneeId)}),
          flag AS (SELECT ${flagColumns(f.staffIds, f.organisationIds, f.contactIds, f.eventId)})
     SELECT (SELECT kind FROM missing) AS missing_kind, (SELECT id FROM missing) AS missing_id,
            array_remove(ARRAY[${FLAGS.map(([column, flag]) => `CASE WHEN flag.${column} THEN '${flag}' END`).join(', ')}], NULL)::text[] AS flags
       FROM flag`;
}
