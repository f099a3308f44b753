import type { EntityManager } from 'typeorm';
import { afterCreated, decodeCursor } from '../common/http/pagination.js';
import { queryRows } from '../database/sql.js';
import { CONTACT_COLUMNS, ContactRow } from './contact.mapper.js';
import { isEmail } from './email.js';

/**
 * The contact list and search (`GET /contacts`, `POST /contacts/search`): the query builder, with the ranking.
 * Read-only; the organisation-name branch reads `organisations` (names only).
 */

/**
 * Word similarity (pg_trgm) a name, address or organisation name needs to match a `q` of several words. Below it,
 * one word alone would do: "Radia Kowalski" would bring every Radia.
 */
export const SEARCH_THRESHOLD = 0.55;
/** The same for a `q` of one word, where one dropped or swapped letter already costs about half the trigrams. */
export const ONE_WORD_THRESHOLD = 0.5;
/** A search by organisation name looks at the contacts of at most this many best-matching organisations. */
export const ORGANISATION_FANOUT = 5;
/** Word similarity an address needs when `q` is a whole e-mail address. */
export const EMAIL_TYPO_THRESHOLD = 0.75;

/** Filters of a contact list (see ListContactsQueryDto). */
export interface ContactFilter {
  organisationId?: string;
  tag?: string;
  ownerId?: string;
  updatedSince?: string;
  includeArchived?: boolean;
  cursor?: string;
}

/** Erased and merged contacts never appear; archived ones only with `includeArchived`. */
function filters(f: ContactFilter, p: (v: unknown) => string): string[] {
  const where = ['c.erased_at IS NULL', 'c.merged_into_id IS NULL'];
  if (!f.includeArchived) where.push('c.archived_at IS NULL');
  if (f.organisationId) {
    const org = p(f.organisationId);
    where.push(`(c.organisation_id = ${org} OR EXISTS (SELECT 1 FROM contact_affiliations a WHERE a.contact_id = c.id AND a.organisation_id = ${org}
        AND (a.until IS NULL OR a.until >= current_date)))`);
  }
  if (f.tag) where.push(`c.tags @> ARRAY[${p(f.tag.trim())}]::text[]`);
  if (f.ownerId) where.push(`c.owner_id = ${p(f.ownerId)}`);
  if (f.updatedSince) where.push(`c.updated_at >= ${p(f.updatedSince)}::timestamptz`);
  return where;
}

/** A page in creation order (`limit + 1` rows). */
export async function listContacts(m: EntityManager, f: ContactFilter, limit: number): Promise<ContactRow[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = filters(f, p);
  const after = afterCreated(f.cursor, 'c', 'asc', p);
  if (after) where.push(after);
  return queryRows<ContactRow>(
    m,
    `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ${limit + 1}`,
    params,
  );
}

/**
 * Name, e-mail or organisation name by trigram word similarity or full text, best first, then by id (`limit + 1`
 * rows with `score`; the cursor carries score and id, so pages are stable). `term` is normalised (NFC, lower case,
 * single spaces) and holds a letter or digit. Sets the transaction's trigram threshold: `m` must be a transaction's.
 *
 * Names are matched through `contact_search_names` (each distinct `contacts.search_name` once, kept by triggers;
 * see its migration): a typo is compared with the distinct names, not rechecked on every contact that carries one.
 * All contacts of one name score alike unless another branch (an address, the organisation, full text that needs
 * an address) lifts them; those few are scored one by one. The others are read per matching name in id order,
 * after the cursor, only as far as a page needs (`limit + 1`): no contact outside those can make the page, since
 * the ones before it in its name's id order score the same and come first. The score of every contact on the page
 * is computed as before (best similarity of its branches plus the full-text bonus), so pages and their order are
 * those of scoring every candidate.
 */
export async function searchContacts(
  m: EntityManager,
  f: ContactFilter,
  term: string,
  limit: number,
): Promise<ContactRow[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = filters(f, p);
  const t = p(term);
  const conditions = where.join(' AND ');
  const after = decodeCursor<[string, string]>(f.cursor, 2);
  const [afterScore, afterId] = after ? [p(after[0]), p(after[1])] : [];
  // Each branch is one index-backed condition (an OR across them would scan the table) and yields what it matched
  // on: the similarity of the name, of an address (an exact address counts 1), of the organisation's name (once
  // per organisation), or a full-text match's bonus. A contact's score is its best similarity plus the bonus.
  // Nothing else is computed per candidate, and only the page is joined back for its columns.
  const branch = (sim: string, bonus: number, cond: string, from = 'contacts c') =>
    `SELECT c.id, ${sim} AS sim, ${bonus} AS bonus FROM ${from} WHERE ${cond} AND ${conditions}`;
  let candidates: string;
  if (isEmail(term)) {
    // An e-mail address: that address, or one a typo away — not every address at the same domain.
    candidates = [
      branch('1', 0, `c.email_addresses @> ARRAY[${t}]::text[]`),
      branch(`0.9 * word_similarity(${t}, c.search_emails)`, 0, `${t} <% c.search_emails`),
    ].join('\n        UNION ALL ');
  } else {
    const tsq = `plainto_tsquery('simple', ${t})`;
    // Contacts scored one by one: an address, the organisation, or full text the name alone does not satisfy.
    const single = [
      branch(`0.9 * word_similarity(${t}, c.search_emails)`, 0, `${t} <% c.search_emails`),
      // Full text with a word only an address has: a word of `q` among the address's words (the index), all of
      // them among the contact's, not all among the name's.
      branch(
        'NULL',
        0.1,
        `to_tsvector('simple', c.search_emails) @@ replace(${tsq}::text, ' & ', ' | ')::tsquery
           AND c.search_vector @@ ${tsq} AND NOT (to_tsvector('simple', c.search_name) @@ ${tsq})`,
      ),
      branch(
        '0.8 * mo.sim',
        0,
        'true',
        `(SELECT mo.id, word_similarity(${t}, lower(mo.name)) AS sim FROM organisations mo WHERE ${t} <% lower(mo.name)
              ORDER BY sim DESC, mo.id LIMIT ${ORGANISATION_FANOUT}) mo JOIN contacts c ON c.organisation_id = mo.id`,
      ),
    ];
    // A name's page of contacts in id order, after the cursor by the score they all share: every contact of a name
    // scoring below the cursor, those scoring the same after its id, none of a name scoring above it.
    const byName = (names: string, idAfter: string) => `
        SELECT g.id, n.sim, n.bonus FROM names n CROSS JOIN LATERAL (
          SELECT c.id FROM contacts c
           WHERE c.search_name = n.term ${idAfter} AND ${conditions}
             AND NOT EXISTS (SELECT 1 FROM single s WHERE s.id = c.id)
           ORDER BY c.id LIMIT ${limit + 1}) g ${names}`;
    const pages = after
      ? [byName(`WHERE n.score < ${afterScore}::numeric`, ''), byName(`WHERE n.score = ${afterScore}::numeric`, `AND c.id > ${afterId}::uuid`)]
      : [byName('', '')];
    // Matching names: by trigram (their similarity) or whole words (the bonus), with the score their contacts share.
    const names = `SELECT n.term, n.sim, n.bonus, round((coalesce(n.sim, 0) + n.bonus)::numeric, 6) AS score FROM (
          SELECT n.term,
                 CASE WHEN ${t} <% n.term THEN word_similarity(${t}, n.term)::float8 END AS sim,
                 CASE WHEN to_tsvector('simple', n.term) @@ ${tsq} THEN 0.1 ELSE 0 END AS bonus
            FROM contact_search_names n
           WHERE ${t} <% n.term OR to_tsvector('simple', n.term) @@ ${tsq}) n`;
    // The contacts scored one by one, with their name's row too; then the names' pages.
    candidates = `
        WITH names AS MATERIALIZED (${names}),
        single AS MATERIALIZED (${single.join('\n        UNION ALL ')})
        SELECT id, sim, bonus FROM single
        UNION ALL
        SELECT s.id, n.sim, n.bonus FROM (SELECT DISTINCT id FROM single) s
          JOIN contacts c ON c.id = s.id JOIN names n ON n.term = c.search_name
        UNION ALL ${pages.join('\n        UNION ALL ')}`;
  }
  const matches = `SELECT id, round((coalesce(max(sim), 0) + max(bonus))::numeric, 6) AS score
      FROM (${candidates}) b GROUP BY id`;
  const cursorCond = after
    ? `WHERE (m.score < ${afterScore}::numeric OR (m.score = ${afterScore}::numeric AND m.id > ${afterId}::uuid))`
    : '';
  return rankedPage(m, term, matches, cursorCond, limit, params);
}

/**
 * The same search scoring every candidate contact, as it ran before `contact_search_names` (a name that a
 * thousand contacts carry was rechecked a thousand times). Not used to answer requests: it is the reference the
 * e2e test (test/e2e/contact-search-names.e2e-spec.ts) and `bench/contacts/search-identical.mjs` compare
 * `searchContacts` with, page by page. `m` must be a transaction's.
 */
export async function searchContactsExhaustive(
  m: EntityManager,
  f: ContactFilter,
  term: string,
  limit: number,
): Promise<ContactRow[]> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = filters(f, p);
  const t = p(term);
  const conditions = where.join(' AND ');
  // Each branch is one index-backed condition (an OR across them would scan the table) and yields what it matched
  // on: the similarity of the name, of an address (an exact address counts 1), of the organisation's name (once
  // per organisation), or a full-text match's bonus. A contact's score is its best similarity plus the bonus.
  // Nothing else is computed per candidate, and only the page is joined back for its columns.
  const branch = (sim: string, bonus: number, cond: string, from = 'contacts c') =>
    `SELECT c.id, ${sim} AS sim, ${bonus} AS bonus FROM ${from} WHERE ${cond} AND ${conditions}`;
  const branches = isEmail(term)
    ? // An e-mail address: that address, or one a typo away — not every address at the same domain.
      [
        branch('1', 0, `c.email_addresses @> ARRAY[${t}]::text[]`),
        branch(`0.9 * word_similarity(${t}, c.search_emails)`, 0, `${t} <% c.search_emails`),
      ]
    : [
        branch(`word_similarity(${t}, c.search_name)`, 0, `${t} <% c.search_name`),
        branch(`0.9 * word_similarity(${t}, c.search_emails)`, 0, `${t} <% c.search_emails`),
        branch('NULL', 0.1, `c.search_vector @@ plainto_tsquery('simple', ${t})`),
        branch(
          '0.8 * mo.sim',
          0,
          'true',
          `(SELECT mo.id, word_similarity(${t}, lower(mo.name)) AS sim FROM organisations mo WHERE ${t} <% lower(mo.name)
              ORDER BY sim DESC, mo.id LIMIT ${ORGANISATION_FANOUT}) mo JOIN contacts c ON c.organisation_id = mo.id`,
        ),
      ];
  const matches = `SELECT id, round((coalesce(max(sim), 0) + max(bonus))::numeric, 6) AS score
      FROM (${branches.join('\n        UNION ALL ')}) b GROUP BY id`;
  const after = decodeCursor<[string, string]>(f.cursor, 2);
  const cursorCond = after
    ? `WHERE (m.score < ${p(after[0])}::numeric OR (m.score = ${p(after[0])}::numeric AND m.id > ${p(after[1])}::uuid))`
    : '';
  return rankedPage(m, term, matches, cursorCond, limit, params);
}

/**
 * The page of a search: sets the transaction's trigram threshold for `term`, then ranks `matches` (`id, score`)
 * best first, then by id, after the cursor condition, and joins the page back for its columns (`limit + 1` rows).
 */
async function rankedPage(
  m: EntityManager,
  term: string,
  matches: string,
  cursorCond: string,
  limit: number,
  params: unknown[],
): Promise<ContactRow[]> {
  // The index prunes by this threshold: a whole e-mail address asks for a near-exact match.
  const threshold = isEmail(term) ? EMAIL_TYPO_THRESHOLD : term.includes(' ') ? SEARCH_THRESHOLD : ONE_WORD_THRESHOLD;
  await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', '${threshold}', true)`);
  return queryRows<ContactRow>(
    m,
    `SELECT ${CONTACT_COLUMNS}, s.score FROM (
           SELECT m.id, m.score FROM (${matches}) m
           ${cursorCond}
           ORDER BY m.score DESC, m.id ASC LIMIT ${limit + 1}) s
         JOIN contacts c ON c.id = s.id
         ORDER BY s.score DESC, s.id ASC`,
    params,
  );
}
