import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { setArchived } from '../database/archived.js';
import { preparedRows } from '../database/prepared.js';
import { queryRows } from '../database/sql.js';
import { CONTACT_COLUMNS, ContactRow } from './contact.mapper.js';
import { ContactFilter, listContacts, searchContacts } from './contact-search.query.js';

export type { ContactRow } from './contact.mapper.js';
export { CONTACT_FIELDS, CONTACT_FIELD_NAMES, contactFieldValue } from './contact-fields.js';

/** How `erasedAtLocked` locks the contact row. */
export type ContactLock = 'none' | 'share' | 'gate';

/** A contact's row in the form the import writes it (jsonb_to_recordset). */
export interface ContactRecord {
  id: string;
  given_name: string;
  family_name: string;
  emails: { address: string; label: string | null }[];
  phones: { number: string; label: string | null }[];
  organisation_id: string | null;
  job_title: string | null;
  tags: string[];
  notes: string | null;
  preferred_language: string | null;
  social_profiles: { linkedin?: string; xing?: string };
}

/** A new contact as `insertPart` writes it: every writable column (jsonb as JSON text) and the timestamps. */
export interface NewContactRow {
  id: string;
  given_name: string;
  family_name: string;
  emails: string;
  phones: string;
  organisation_id: string | null;
  job_title: string | null;
  tags: string[];
  owner_id: string | null;
  notes: string | null;
  preferred_language: string | null;
  social_profiles: string;
  key_dates: string;
  created_at: Date;
  updated_at: Date;
}

const NEW_CONTACT_CASTS: Record<keyof NewContactRow, string> = {
  id: 'uuid', given_name: 'text', family_name: 'text', emails: 'jsonb', phones: 'jsonb', organisation_id: 'uuid',
  job_title: 'text', tags: 'text[]', owner_id: 'uuid', notes: 'text', preferred_language: 'text',
  social_profiles: 'jsonb', key_dates: 'jsonb', created_at: 'timestamptz', updated_at: 'timestamptz',
};

/** Columns of `contacts` that erasure keeps: identity, structure and timestamps, no personal values. */
const KEEP_ON_ERASURE = new Set([
  'id', 'organisation_id', 'owner_id', 'archived_at', 'erased_at', 'merged_into_id', 'last_interaction_at',
  'version', 'created_at', 'updated_at',
]);
/** What an erased contact's names become. */
export const ERASED_NAME = 'Erased';

const FIND_BY_ID_SQL = `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1`;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const RECORDSET = `jsonb_to_recordset($1::jsonb) AS x(id uuid, given_name text, family_name text, emails jsonb, phones jsonb,
              organisation_id uuid, job_title text, tags text[], notes text, preferred_language text, social_profiles jsonb)`;

/** A possible duplicate of a contact (see `duplicatesOf`). */
export type DuplicateCandidateRow = ContactRow & { same_email: boolean; name_score: string };

/** One pair of likely duplicates (see `duplicatePairs`). */
export interface DuplicatePairRow {
  a_id: string;
  a_given: string;
  a_family: string;
  a_org: string | null;
  b_id: string;
  b_given: string;
  b_family: string;
  b_org: string | null;
  same_email: boolean;
  name_score: string;
}

/**
 * The `contacts` table: every SQL statement on it. Other folders lock, check and read contacts here
 * (`lockForDecision`, `lockForDisclosure`, `touchLastInteraction`, …) instead of querying the table themselves.
 */
@Injectable()
export class ContactsRepository {
  // ---- for other folders -------------------------------------------------------------------------------------

  /** Whether a contact with this id exists (erased and merged ones included). */
  async exists(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(m, 'SELECT 1 FROM contacts WHERE id = $1', [id])).length > 0;
  }

  /** Whether a contact with this id exists, is not erased and was not merged into another (nothing new may name it). */
  async existsLive(m: EntityManager, id: string): Promise<boolean> {
    return (await queryRows(m, 'SELECT 1 FROM contacts WHERE id = $1 AND erased_at IS NULL AND merged_into_id IS NULL', [id])).length > 0;
  }

  /**
   * The contact's erasure time (null: not erased), or undefined for an unknown id. `share` takes FOR SHARE (erasure
   * and merge cannot interleave), `gate` FOR NO KEY UPDATE (conflicts with the FOR SHARE a disclosure takes).
   */
  async erasedAtLocked(m: EntityManager, id: string, lock: ContactLock = 'none'): Promise<{ erasedAt: Date | null } | undefined> {
    const clause = lock === 'share' ? ' FOR SHARE' : lock === 'gate' ? ' FOR NO KEY UPDATE' : '';
    const [row] = await queryRows<{ erased_at: Date | null }>(m, `SELECT erased_at FROM contacts WHERE id = $1${clause}`, [id]);
    return row ? { erasedAt: row.erased_at } : undefined;
  }

  /** FOR NO KEY UPDATE on one contact: a withdrawal decides before or after a disclosure of it, not during. */
  async lockForWithdrawal(m: EntityManager, id: string): Promise<void> {
    await m.query('SELECT 1 FROM contacts WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }

  /** FOR SHARE on the contacts, in id order (a disclosure locks its contacts before deciding). */
  async lockForDisclosure(m: EntityManager, ids: string[]): Promise<void> {
    await m.query('SELECT 1 FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE', [ids]);
  }

  /** The whole rows (`to_jsonb`, raw column names) of the contacts that are not erased, by id, for a disclosure. */
  async rowsForDisclosure(m: EntityManager, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const rows = await queryRows<{ id: string; row: Record<string, unknown> }>(
      m,
      'SELECT c.id, to_jsonb(c) AS row FROM contacts c WHERE c.id = ANY($1::uuid[]) AND c.erased_at IS NULL',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.row]));
  }

  /** The whole row (`SELECT *`, raw column names), optionally FOR UPDATE; undefined for an unknown id. */
  async findRaw(m: EntityManager, id: string, lock = false): Promise<Record<string, unknown> | undefined> {
    const [row] = await queryRows<Record<string, unknown>>(
      m,
      `SELECT * FROM contacts WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  }

  /** Monotonic: `last_interaction_at` becomes `at` where that is later (concurrent writers never lower it). */
  async touchLastInteraction(m: EntityManager, ids: string[], at: Date): Promise<void> {
    await m.query(
      `UPDATE contacts SET last_interaction_at = GREATEST(last_interaction_at, $2) WHERE id = ANY($1::uuid[])`,
      [ids, at],
    );
  }

  /**
   * `touchLastInteraction` as a part of a composed statement (database/composed-write.ts): placeholders typed uuid[]
   * and timestamptz.
   */
  touchLastInteractionPart(ids: string, at: string): string {
    return `UPDATE contacts SET last_interaction_at = GREATEST(last_interaction_at, ${at}) WHERE id = ANY(${ids})`;
  }

  /** Sets `last_interaction_at` per contact (null: no interaction left), e.g. after recomputing it. */
  async setLastInteraction(m: EntityManager, values: { id: string; at: Date | null }[]): Promise<void> {
    if (values.length === 0) return;
    await m.query(
      `UPDATE contacts c SET last_interaction_at = x.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE c.id = x.id`,
      [values.map((v) => v.id), values.map((v) => v.at)],
    );
  }

  /**
   * Erasure (Art. 17): every column of the row that holds a personal value is anonymised in place — the names
   * become ERASED_NAME, nullable columns NULL, others their default (or '' for text); identity, structure and
   * timestamps stay (KEEP_ON_ERASURE), generated columns follow. Read from the catalogue, so a column added later
   * is erased too. Returns the erasure time.
   */
  async anonymise(m: EntityManager, id: string): Promise<Date> {
    const columns = await queryRows<{
      column_name: string;
      is_nullable: string;
      column_default: string | null;
      data_type: string;
      is_generated: string;
    }>(
      m,
      `SELECT column_name, is_nullable, column_default, data_type, is_generated FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'contacts'`,
    );
    const sets: string[] = [];
    for (const c of columns) {
      if (KEEP_ON_ERASURE.has(c.column_name) || c.is_generated === 'ALWAYS') continue;
      const col = quoteIdent(c.column_name);
      if (c.column_name === 'given_name' || c.column_name === 'family_name') sets.push(`${col} = '${ERASED_NAME}'`);
      else if (c.is_nullable === 'YES') sets.push(`${col} = NULL`);
      else if (c.column_default !== null) sets.push(`${col} = DEFAULT`);
      else if (c.data_type === 'text') sets.push(`${col} = ''`);
    }
    sets.push('erased_at = now()', 'updated_at = now()', 'version = version + 1');
    const [updated] = await queryRows<{ erased_at: Date }>(
      m,
      `UPDATE contacts SET ${sets.join(', ')} WHERE id = $1 RETURNING erased_at`,
      [id],
    );
    return updated.erased_at;
  }

  // ---- the contacts feature ----------------------------------------------------------------------------------

  /** One contact; `lock` takes FOR UPDATE. */
  async findById(m: EntityManager, id: string, lock = false): Promise<ContactRow | undefined> {
    if (!lock) {
      // GET /contacts/:id, the hot read: a prepared statement outside a transaction.
      const [row] = await preparedRows<ContactRow>(m, FIND_BY_ID_SQL, [id]);
      return row;
    }
    const [row] = await queryRows<ContactRow>(m, `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** Inserts the given column values (column → stored value, in order). */
  async insert(m: EntityManager, values: [column: string, value: unknown][]): Promise<ContactRow> {
    const cols = values.map(([c]) => c);
    const [row] = await queryRows<ContactRow>(
      m,
      `INSERT INTO contacts AS c (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${CONTACT_COLUMNS}`,
      values.map(([, v]) => v),
    );
    return row;
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): inserts a new contact with every
   * writable column and its timestamps given (so the caller knows the row before it is written), when `condition`
   * holds; RETURNING the row as `insert` does. The text is the same for every contact (prepared once).
   */
  insertPart(row: NewContactRow, bind: (value: unknown, cast?: string) => string, condition: string): string {
    const cols = Object.keys(NEW_CONTACT_CASTS) as (keyof NewContactRow)[];
    const values = cols.map((c) => bind(row[c], NEW_CONTACT_CASTS[c]));
    return `INSERT INTO contacts AS c (${cols.join(', ')}) SELECT ${values.join(', ')} WHERE ${condition} RETURNING ${CONTACT_COLUMNS}`;
  }

  /** Sets the given columns (column → stored value), with a new version. */
  async update(m: EntityManager, id: string, values: [column: string, value: unknown][]): Promise<ContactRow> {
    const vals: unknown[] = [id];
    const sets = values.map(([col, v]) => `${col} = $${vals.push(v)}`);
    const [row] = await queryRows<ContactRow>(
      m,
      `UPDATE contacts c SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
      vals,
    );
    return row;
  }

  /** Archives (or restores) the contact, with a new version. */
  setArchived(m: EntityManager, id: string, archived: boolean): Promise<ContactRow> {
    return setArchived<ContactRow>(m, 'contacts', 'c', CONTACT_COLUMNS, id, archived);
  }

  /** A page of the list, in creation order (`limit + 1` rows). */
  list(m: EntityManager, f: ContactFilter, limit: number): Promise<ContactRow[]> {
    return listContacts(m, f, limit);
  }

  /** A page of a ranked search (`limit + 1` rows); `m` must be a transaction's (see searchContacts). */
  search(m: EntityManager, f: ContactFilter, term: string, limit: number): Promise<ContactRow[]> {
    return searchContacts(m, f, term, limit);
  }

  // ---- import --------------------------------------------------------------------------------------------------

  /** Live contacts holding any of these addresses, oldest first, with their addresses; `lock`: FOR UPDATE. */
  async findByEmails(
    m: EntityManager,
    addresses: string[],
    lock: boolean,
  ): Promise<(ContactRow & { email_addresses: string[] })[]> {
    // One GIN lookup per address (`@>` of a one-element array), the matches' ids collected first: the planner
    // estimates `email_addresses && <a thousand addresses>` as matching nearly every row and scans the whole table
    // (3.2 s per import batch of 1,000 at 100,000 contacts; this form: about 0.1 s).
    return queryRows(
      m,
      `SELECT ${CONTACT_COLUMNS}, c.email_addresses FROM contacts c
         WHERE c.id = ANY (ARRAY(SELECT x.id FROM unnest($1::text[]) AS a(address)
                                   JOIN contacts x ON x.email_addresses @> ARRAY[a.address]))
           AND c.merged_into_id IS NULL AND c.erased_at IS NULL
         ORDER BY c.created_at, c.id ${lock ? 'FOR UPDATE' : ''}`,
      [addresses],
    );
  }

  /** Inserts the records in one statement. */
  async insertMany(m: EntityManager, records: ContactRecord[]): Promise<ContactRow[]> {
    return queryRows<ContactRow>(
      m,
      `INSERT INTO contacts AS c (id, given_name, family_name, emails, phones, organisation_id, job_title, tags, notes,
                                    preferred_language, social_profiles)
         SELECT x.id, x.given_name, x.family_name, x.emails, x.phones, x.organisation_id, x.job_title,
                coalesce(x.tags, '{}'), x.notes, x.preferred_language, x.social_profiles
         FROM ${RECORDSET}
         RETURNING ${CONTACT_COLUMNS}`,
      [JSON.stringify(records)],
    );
  }

  /** Overwrites the contacts' fields with the records, each with a new version, in one statement. */
  async updateMany(m: EntityManager, records: ContactRecord[]): Promise<ContactRow[]> {
    return queryRows<ContactRow>(
      m,
      `UPDATE contacts c SET given_name = x.given_name, family_name = x.family_name, emails = x.emails, phones = x.phones,
           organisation_id = x.organisation_id, job_title = x.job_title, tags = coalesce(x.tags, '{}'), notes = x.notes,
           preferred_language = x.preferred_language, social_profiles = x.social_profiles,
           version = c.version + 1, updated_at = now()
         FROM ${RECORDSET}
         WHERE c.id = x.id
         RETURNING ${CONTACT_COLUMNS}`,
      [JSON.stringify(records)],
    );
  }

  // ---- duplicates and merge ------------------------------------------------------------------------------------

  /** Possible duplicates of one contact: the same normalised e-mail, or a similar name at the same organisation. */
  async duplicatesOf(
    m: EntityManager,
    c: { id: string; emails: string[]; name: string; organisationId: string | null },
    nameThreshold: number,
  ): Promise<DuplicateCandidateRow[]> {
    return queryRows<DuplicateCandidateRow>(
      m,
      `SELECT ${CONTACT_COLUMNS}, (c.email_addresses && $2::text[]) AS same_email,
              round(similarity(c.search_name, $3)::numeric, 4) AS name_score
       FROM contacts c
       WHERE c.id <> $1 AND c.merged_into_id IS NULL AND c.erased_at IS NULL
         AND ((cardinality($2::text[]) > 0 AND c.email_addresses && $2::text[])
           OR ($4::uuid IS NOT NULL AND c.organisation_id = $4::uuid AND similarity(c.search_name, $3) >= ${nameThreshold}))
       ORDER BY same_email DESC, name_score DESC, c.id LIMIT 100`,
      [c.id, c.emails, c.name, c.organisationId],
    );
  }

  /**
   * Every likely duplicate pair of live, non-archived contacts, in pair order after `after` (`limit + 1` rows).
   * Set-based, so it stays linear in the number of contacts: pairs sharing an address come from a hash join on the
   * unnested addresses (not an array-overlap join, which no index serves: a nested loop over every pair of
   * contacts), and the name similarity is computed once per pair of distinct names within an organisation, then
   * joined back to the contacts that carry them. Only the page's pairs are joined to their contacts' details.
   */
  async duplicatePairs(
    m: EntityManager,
    after: [string, string] | undefined,
    nameThreshold: number,
    limit: number,
  ): Promise<DuplicatePairRow[]> {
    const params: unknown[] = [];
    const cond = after
      ? `WHERE (pairs.a_id, pairs.b_id) > ($${params.push(after[0])}::uuid, $${params.push(after[1])}::uuid)`
      : '';
    return queryRows<DuplicatePairRow>(
      m,
      `WITH live AS MATERIALIZED (
         SELECT id, organisation_id, email_addresses, search_name FROM contacts
         WHERE merged_into_id IS NULL AND erased_at IS NULL AND archived_at IS NULL),
       addresses AS MATERIALIZED (SELECT id, unnest(email_addresses) AS address FROM live),
       names AS MATERIALIZED (SELECT DISTINCT organisation_id, search_name FROM live WHERE organisation_id IS NOT NULL),
       alike AS MATERIALIZED (
         SELECT x.organisation_id, x.search_name AS name1, y.search_name AS name2
         FROM names x JOIN names y ON x.organisation_id = y.organisation_id AND x.search_name <= y.search_name
         WHERE similarity(x.search_name, y.search_name) >= ${nameThreshold}),
       pairs AS (
         SELECT a.id AS a_id, b.id AS b_id FROM addresses a JOIN addresses b ON a.address = b.address AND a.id < b.id
         UNION
         SELECT least(a.id, b.id), greatest(a.id, b.id) FROM alike s
           JOIN live a ON a.organisation_id = s.organisation_id AND a.search_name = s.name1
           JOIN live b ON b.organisation_id = s.organisation_id AND b.search_name = s.name2
         WHERE a.id <> b.id),
       page AS (SELECT a_id, b_id FROM pairs ${cond} ORDER BY a_id, b_id LIMIT ${limit + 1})
       SELECT page.a_id, a.given_name AS a_given, a.family_name AS a_family, a.organisation_id AS a_org,
              page.b_id, b.given_name AS b_given, b.family_name AS b_family, b.organisation_id AS b_org,
              (a.email_addresses && b.email_addresses) AS same_email,
              round(similarity(a.search_name, b.search_name)::numeric, 4) AS name_score
       FROM page JOIN contacts a ON a.id = page.a_id JOIN contacts b ON b.id = page.b_id
       ORDER BY page.a_id, page.b_id`,
      params,
    );
  }

  /** FOR UPDATE on both contacts, in id order (two merges of the same pair cannot deadlock). */
  async lockForMerge(m: EntityManager, ids: string[]): Promise<void> {
    await m.query('SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids]);
  }

  /**
   * The survivor of a merge: `fill` sets empty fields, lists are replaced by the united ones, the duplicate's
   * social profiles fill the gaps and the later last interaction wins.
   */
  async applyMerge(
    m: EntityManager,
    survivorId: string,
    merged: {
      fill: [column: string, value: unknown][];
      emails: unknown[];
      phones: unknown[];
      tags: string[];
      duplicateSocialProfiles: Record<string, unknown>;
      duplicateLastInteractionAt: Date | null;
    },
  ): Promise<ContactRow> {
    const vals: unknown[] = [survivorId];
    const sets = merged.fill.map(([col, v]) => `${col} = $${vals.push(v)}`);
    sets.push(
      `emails = $${vals.push(JSON.stringify(merged.emails))}`,
      `phones = $${vals.push(JSON.stringify(merged.phones))}`,
      `tags = $${vals.push(merged.tags)}`,
      // The survivor's own profiles win; the duplicate's fill the gaps.
      `social_profiles = $${vals.push(JSON.stringify(merged.duplicateSocialProfiles))}::jsonb || social_profiles`,
      `last_interaction_at = GREATEST(last_interaction_at, $${vals.push(merged.duplicateLastInteractionAt)}::timestamptz)`,
    );
    const [row] = await queryRows<ContactRow>(
      m,
      `UPDATE contacts c SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
      vals,
    );
    return row;
  }

  /** The duplicate becomes a tombstone: it keeps no contact details of its own (they now live on the survivor). */
  async makeTombstone(m: EntityManager, duplicateId: string, survivorId: string): Promise<void> {
    await m.query(
      `UPDATE contacts SET merged_into_id = $2, emails = '[]', phones = '[]', key_dates = '[]', archived_at = coalesce(archived_at, now()),
           version = version + 1, updated_at = now() WHERE id = $1`,
      [duplicateId, survivorId],
    );
  }
}
