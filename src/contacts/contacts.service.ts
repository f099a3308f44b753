import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { afterCreated, decodeCursor, Page, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { CONTACT_COLUMNS, ContactRow, toContactResponse } from './contact.mapper.js';
import { normaliseEmails, normalisePhones } from './contact-fields.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';
import { CreateContactDto } from './dto/create-contact.dto.js';
import { ListContactsQueryDto } from './dto/search-contacts.dto.js';
import { UpdateContactDto } from './dto/update-contact.dto.js';
import { isEmail } from './email.js';
import { toVCard } from './vcard.js';
import { queryRows } from '../database/query-rows.js';

/** Body property → column, for the fields a client may write. */
const WRITABLE: [keyof CreateContactDto, string][] = [
  ['givenName', 'given_name'],
  ['familyName', 'family_name'],
  ['emails', 'emails'],
  ['phones', 'phones'],
  ['organisationId', 'organisation_id'],
  ['jobTitle', 'job_title'],
  ['tags', 'tags'],
  ['ownerId', 'owner_id'],
  ['notes', 'notes'],
  ['preferredLanguage', 'preferred_language'],
  ['socialProfiles', 'social_profiles'],
];
/** Internal bookkeeping; every other field is the contact's personal data (a change is a rectification, Art. 16/19). */
const NON_PERSONAL = new Set<keyof CreateContactDto>(['tags', 'ownerId']);
const REQUIRED = new Set<keyof CreateContactDto>(['givenName', 'familyName']);
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

/** The stored value of a body field (normalised lists, empty lists for null). */
function storedValue(prop: keyof CreateContactDto, v: unknown): unknown {
  switch (prop) {
    case 'emails':
      return JSON.stringify(normaliseEmails(v as never));
    case 'phones':
      return JSON.stringify(normalisePhones(v as never));
    case 'tags':
      return Array.from(new Set((v as string[] | null) ?? []));
    case 'socialProfiles': {
      const sp = (v ?? {}) as { linkedin?: string | null; xing?: string | null };
      return JSON.stringify({
        ...(sp.linkedin ? { linkedin: sp.linkedin } : {}),
        ...(sp.xing ? { xing: sp.xing } : {}),
      });
    }
    default:
      return v;
  }
}

/** A stored value in the form the response shows it, to tell whether a PATCH changes anything. */
function asResponse(prop: keyof CreateContactDto, stored: unknown): unknown {
  if (prop === 'emails' || prop === 'phones') return JSON.parse(stored as string);
  if (prop === 'socialProfiles') {
    const sp = JSON.parse(stored as string) as { linkedin?: string; xing?: string };
    return { linkedin: sp.linkedin ?? null, xing: sp.xing ?? null };
  }
  return stored ?? null;
}

@Injectable()
export class ContactsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly notifier: RecipientNotifier,
  ) {}

  async create(dto: CreateContactDto): Promise<ContactResponseDto> {
    await this.assertReferences(dto);
    const cols: string[] = [];
    const vals: unknown[] = [];
    for (const [prop, col] of WRITABLE) {
      const v = dto[prop];
      if (v === undefined || v === null) continue;
      cols.push(col);
      vals.push(storedValue(prop, v));
    }
    const rows: ContactRow[] = await this.tx.manager.query(
      `INSERT INTO contacts AS c (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${CONTACT_COLUMNS}`,
      vals,
    );
    const created = toContactResponse(rows[0]);
    await this.audit.record({
      action: 'create',
      entityType: 'contact',
      entityId: created.id,
      contactId: created.id,
      after: created,
    });
    return created;
  }

  async findOne(id: string): Promise<ContactResponseDto> {
    return toContactResponse(await this.load(id));
  }

  async update(id: string, dto: UpdateContactDto, ifMatch: IfMatch): Promise<ContactResponseDto> {
    const current = await this.load(id, true);
    assertIfMatch(ifMatch, current.version);
    if (current.erased_at) {
      throw new ConflictError('CONTACT_ERASED', `Contact ${id} was erased; it cannot be edited`);
    }
    for (const prop of REQUIRED) {
      if (dto[prop] === null) {
        throw new ValidationFailedError(`${prop} may not be null`, [
          { field: prop, message: `${prop} may not be null` },
        ]);
      }
    }
    await this.assertReferences(dto);
    const before = toContactResponse(current);
    const sets: string[] = [];
    const vals: unknown[] = [id];
    let rectified = false;
    for (const [prop, col] of WRITABLE) {
      const v = dto[prop];
      if (v === undefined) continue;
      const stored = storedValue(prop, v);
      const old = (before as unknown as Record<string, unknown>)[prop];
      const changed = JSON.stringify(asResponse(prop, stored)) !== JSON.stringify(old ?? null);
      if (!changed) continue;
      if (!NON_PERSONAL.has(prop)) rectified = true;
      sets.push(`${col} = $${vals.push(stored)}`);
    }
    if (sets.length === 0) return before;
    const rows = await queryRows<ContactRow>(
      this.tx.manager,
      `UPDATE contacts c SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
      vals,
    );
    const after = toContactResponse(rows[0]);
    if (rectified) await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: id });
    await this.audit.record({
      action: 'update',
      entityType: 'contact',
      entityId: id,
      contactId: id,
      before,
      after,
    });
    return after;
  }

  /** DELETE archives: out of lists, still readable, nothing erased. */
  async archive(id: string, ifMatch: IfMatch): Promise<void> {
    const current = await this.load(id, true);
    assertIfMatch(ifMatch, current.version);
    if (current.archived_at) return;
    await this.setArchived(current, true);
  }

  async restore(id: string): Promise<ContactResponseDto> {
    const current = await this.load(id, true);
    if (!current.archived_at) return toContactResponse(current);
    if (current.erased_at) {
      throw new ConflictError('CONTACT_ERASED', `Contact ${id} was erased; it cannot be restored`);
    }
    return this.setArchived(current, false);
  }

  private async setArchived(current: ContactRow, archived: boolean): Promise<ContactResponseDto> {
    const rows = await queryRows<ContactRow>(
      this.tx.manager,
      `UPDATE contacts c SET archived_at = ${archived ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
      [current.id],
    );
    const after = toContactResponse(rows[0]);
    await this.audit.record({
      action: archived ? 'archive' : 'restore',
      entityType: 'contact',
      entityId: current.id,
      contactId: current.id,
      before: { archivedAt: current.archived_at, version: current.version },
      after: { archivedAt: after.archivedAt, version: after.version },
    });
    return after;
  }

  /**
   * Lists or searches. Without `q`: creation order. With `q`: name, e-mail or organisation name by trigram word
   * similarity or full text, best first, then by id (the cursor carries score and id, so pages are stable).
   * Erased and merged contacts never appear; archived ones only with `includeArchived`.
   */
  async search(q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    const limit = pageSize(q);
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = ['c.erased_at IS NULL', 'c.merged_into_id IS NULL'];
    if (!q.includeArchived) where.push('c.archived_at IS NULL');
    if (q.organisationId) {
      const org = p(q.organisationId);
      where.push(`(c.organisation_id = ${org} OR EXISTS (SELECT 1 FROM contact_affiliations a WHERE a.contact_id = c.id AND a.organisation_id = ${org}
        AND (a.until IS NULL OR a.until >= current_date)))`);
    }
    if (q.tag) where.push(`c.tags @> ARRAY[${p(q.tag.trim())}]::text[]`);
    if (q.ownerId) where.push(`c.owner_id = ${p(q.ownerId)}`);
    if (q.updatedSince) where.push(`c.updated_at >= ${p(q.updatedSince)}::timestamptz`);
    const term = q.q?.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');

    if (!term) {
      const after = afterCreated(q.cursor, 'c', 'asc', p);
      if (after) where.push(after);
      const rows: ContactRow[] = await this.tx.manager.query(
        `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ${limit + 1}`,
        params,
      );
      return toPage(rows, limit, toContactResponse, (r) => [r.created_key, r.id]);
    }

    // Trigrams and full text see only letters and digits: a term without any matches nothing (and would otherwise
    // make the trigram indexes read every entry).
    if (!/[\p{L}\p{N}]/u.test(term)) return { items: [], nextCursor: null };
    const t = p(term);
    const filters = where.join(' AND ');
    // Each branch is one index-backed condition (an OR across them would scan the table) and yields what it matched
    // on: the similarity of the name, of an address (an exact address counts 1), of the organisation's name (once
    // per organisation), or a full-text match's bonus. A contact's score is its best similarity plus the bonus.
    // Nothing else is computed per candidate, and only the page is joined back for its columns.
    const branch = (sim: string, bonus: number, cond: string, from = 'contacts c') =>
      `SELECT c.id, ${sim} AS sim, ${bonus} AS bonus FROM ${from} WHERE ${cond} AND ${filters}`;
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
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    const cursorCond = after
      ? `WHERE (m.score < ${p(after[0])}::numeric OR (m.score = ${p(after[0])}::numeric AND m.id > ${p(after[1])}::uuid))`
      : '';
    const rows: ContactRow[] = await this.tx.run(async (m) => {
      // The index prunes by this threshold: a whole e-mail address asks for a near-exact match.
      const threshold = isEmail(term) ? EMAIL_TYPO_THRESHOLD : term.includes(' ') ? SEARCH_THRESHOLD : ONE_WORD_THRESHOLD;
      await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', '${threshold}', true)`);
      return m.query(
        `SELECT ${CONTACT_COLUMNS}, s.score FROM (
           SELECT m.id, m.score FROM (${matches}) m
           ${cursorCond}
           ORDER BY m.score DESC, m.id ASC LIMIT ${limit + 1}) s
         JOIN contacts c ON c.id = s.id
         ORDER BY s.score DESC, s.id ASC`,
        params,
      );
    });
    return toPage(rows, limit, toContactResponse, (r) => [r.score, r.id]);
  }

  /** The contact as a vCard 4.0; the export is audited. */
  async vcard(id: string): Promise<string> {
    const c = await this.load(id);
    const org: { name: string }[] = c.organisation_id
      ? await this.tx.manager.query('SELECT name FROM organisations WHERE id = $1', [c.organisation_id])
      : [];
    const dto = toContactResponse(c);
    const card = toVCard({
      ...dto,
      linkedinUrl: dto.socialProfiles.linkedin,
      xingUrl: dto.socialProfiles.xing,
      organisationName: org[0]?.name ?? null,
    });
    await this.audit.record({ action: 'export_vcard', entityType: 'contact', entityId: id, contactId: id });
    return card;
  }

  /** 404 for an unknown id, 410 (with `mergedInto`) for a contact merged into another. */
  async load(id: string, lock = false): Promise<ContactRow> {
    const rows: ContactRow[] = await this.tx.manager.query(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 ${lock && this.tx.inTransaction ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError('Contact', id);
    if (row.merged_into_id) {
      throw new GoneError('CONTACT_MERGED', `Contact ${id} was merged into contact ${row.merged_into_id}`, {
        mergedInto: row.merged_into_id,
        mergedIntoUrl: `/api/v1/contacts/${row.merged_into_id}`,
      });
    }
    return row;
  }

  async assertReferences(dto: { organisationId?: string | null; ownerId?: string | null }): Promise<void> {
    const m = this.tx.manager;
    if (dto.organisationId) {
      const o: unknown[] = await m.query('SELECT 1 FROM organisations WHERE id = $1', [dto.organisationId]);
      if (!o.length) {
        throw new ValidationFailedError(`organisationId ${dto.organisationId} is not an organisation`, [
          { field: 'organisationId', message: 'no such organisation' },
        ]);
      }
    }
    if (dto.ownerId) {
      const u: unknown[] = await m.query('SELECT 1 FROM users WHERE id = $1', [dto.ownerId]);
      if (!u.length) {
        throw new ValidationFailedError(`ownerId ${dto.ownerId} is not a user`, [
          { field: 'ownerId', message: 'no such user' },
        ]);
      }
    }
  }
}
