import type { EntityManager } from 'typeorm';
import { preparedRowsIn } from '../database/prepared.js';
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

/**
 * `conflict_of_interest`: a staff member involved declared a conflict with an organisation linked to the
 * interaction or employing one of its contacts. `not_representative`: at an event, a staff member involved
 * is not among the event's representatives.
 */
export async function interactionFlags(m: EntityManager, f: FlagInput): Promise<string[]> {
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
 * The first unknown reference (contacts first; erased contacts count as unknown), or undefined. One round trip
 * for all of them.
 */
export async function firstMissingReference(
  m: EntityManager,
  r: { contactIds: string[]; organisationIds: string[]; userIds: string[]; eventId: string | null },
): Promise<{ kind: string; id: string } | undefined> {
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
  return missing;
}

/** Filter (alias `i`): interactions with one of the organisation's people (its id in placeholder `p`). */
export const withPeopleOfOrganisation = (p: string) =>
  `i.id IN (SELECT ic.interaction_id FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id WHERE c.organisation_id = ${p})`;

/**
 * `firstMissingReference` and `interactionFlags` in one round trip (a new interaction needs both; the flags are
 * thrown away when a reference is missing). The same SQL as theirs, side by side.
 */
export async function referencesAndFlags(
  m: EntityManager,
  r: { contactIds: string[]; organisationIds: string[]; userIds: string[]; eventId: string | null },
  f: FlagInput,
): Promise<{ missing?: { kind: string; id: string }; flags: string[] }> {
  const [row] = await preparedRowsIn<{ kind: string | null; id: string | null; coi: boolean; nr: boolean }>(
    m,
    `WITH missing AS (
       SELECT * FROM (
         SELECT 1 AS o, 'Contact' AS kind, x::text AS id FROM unnest($1::uuid[]) x
          WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = x AND c.erased_at IS NULL)
         UNION ALL
         SELECT 2, 'Organisation', x::text FROM unnest($2::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = x)
         UNION ALL
         SELECT 3, 'User', x::text FROM unnest($3::uuid[]) x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x)
         UNION ALL
         SELECT 4, 'Event', $4::text WHERE $4::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = $4::uuid)
       ) s ORDER BY o LIMIT 1)
     SELECT (SELECT kind FROM missing) AS kind, (SELECT id FROM missing) AS id,
       EXISTS (SELECT 1 FROM conflicts_of_interest c
                WHERE c.user_id = ANY($5::uuid[])
                  AND (c.organisation_id = ANY($6::uuid[])
                       OR c.organisation_id IN (SELECT organisation_id FROM contacts WHERE id = ANY($7::uuid[]) AND organisation_id IS NOT NULL))) AS coi,
       ($8::uuid IS NOT NULL AND EXISTS (
          SELECT 1 FROM unnest($5::uuid[]) s(u)
           WHERE NOT EXISTS (SELECT 1 FROM event_representatives r WHERE r.event_id = $8::uuid AND r.user_id = s.u))) AS nr`,
    [r.contactIds, r.organisationIds, r.userIds, r.eventId, f.staffIds, f.organisationIds, f.contactIds, f.eventId],
  );
  const flags: string[] = [];
  if (row.coi) flags.push('conflict_of_interest');
  if (row.nr) flags.push('not_representative');
  return { missing: row.kind && row.id ? { kind: row.kind, id: row.id } : undefined, flags };
}
