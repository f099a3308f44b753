import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, ValidationFailedError } from '../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, PageQueryDto, pageSize } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { CONTACT_COLUMNS, ContactRow, toContactResponse } from './contact.mapper.js';
import { unionBy } from './contact-fields.js';
import { ContactsService } from './contacts.service.js';
import {
  ContactDuplicatesResponseDto,
  ContactResponseDto,
  DuplicatePairPageDto,
} from './dto/contact.response.dto.js';
import { queryRows } from '../database/query-rows.js';

/** A column somewhere that references contacts(id). */
export interface ContactReference {
  schema: string;
  table: string;
  column: string;
  constraint: string;
}

/** Names are quoted as identifiers; they come from the catalogue, never from a request. */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Trigram similarity two names at the same organisation need to count as possible duplicates. */
export const NAME_DUPLICATE_THRESHOLD = 0.6;

/** Fields filled on the survivor from the duplicate when the survivor's are empty. */
const FILL: [string, keyof ContactResponseDto][] = [
  ['organisation_id', 'organisationId'],
  ['job_title', 'jobTitle'],
  ['owner_id', 'ownerId'],
  ['notes', 'notes'],
  ['preferred_language', 'preferredLanguage'],
];

@Injectable()
export class ContactMergeService {
  private readonly logger = new Logger(ContactMergeService.name);

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly contacts: ContactsService,
    private readonly notifier: RecipientNotifier,
  ) {}

  /** Possible duplicates of one contact: the same normalised e-mail, or a similar name at the same organisation. */
  async duplicatesOf(id: string): Promise<ContactDuplicatesResponseDto> {
    const c = await this.contacts.load(id);
    const rows: (ContactRow & { same_email: boolean; name_score: string })[] = await this.tx.manager.query(
      `SELECT ${CONTACT_COLUMNS}, (c.email_addresses && $2::text[]) AS same_email,
              round(similarity(c.search_name, $3)::numeric, 4) AS name_score
       FROM contacts c
       WHERE c.id <> $1 AND c.merged_into_id IS NULL AND c.erased_at IS NULL
         AND ((cardinality($2::text[]) > 0 AND c.email_addresses && $2::text[])
           OR ($4::uuid IS NOT NULL AND c.organisation_id = $4::uuid AND similarity(c.search_name, $3) >= ${NAME_DUPLICATE_THRESHOLD}))
       ORDER BY same_email DESC, name_score DESC, c.id LIMIT 100`,
      [
        id,
        (c.emails ?? []).map((e) => e.address.toLowerCase()),
        `${c.given_name} ${c.family_name}`.toLowerCase(),
        c.organisation_id,
      ],
    );
    const items = rows.map((r) => {
      const reasons: string[] = [];
      if (r.same_email) reasons.push('same_email');
      if (
        c.organisation_id &&
        r.organisation_id === c.organisation_id &&
        Number(r.name_score) >= NAME_DUPLICATE_THRESHOLD
      ) {
        reasons.push('similar_name_same_organisation');
      }
      const score = r.same_email ? 1 : Number(r.name_score);
      return { contact: toContactResponse(r), score, reason: reasons[0], reasons };
    });
    return { items, nextCursor: null };
  }

  /** Every likely duplicate pair in the workspace, strongest first within a stable order of pairs. */
  async allDuplicates(q: PageQueryDto): Promise<DuplicatePairPageDto> {
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    const params: unknown[] = [];
    const cond = after
      ? `WHERE (pair.a_id, pair.b_id) > ($${params.push(after[0])}::uuid, $${params.push(after[1])}::uuid)`
      : '';
    const rows: {
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
    }[] = await this.tx.manager.query(
      `WITH live AS (
         SELECT id, given_name, family_name, organisation_id, email_addresses, search_name FROM contacts
         WHERE merged_into_id IS NULL AND erased_at IS NULL AND archived_at IS NULL),
       pairs AS (
         SELECT a.id AS a_id, b.id AS b_id FROM live a JOIN live b ON a.id < b.id AND a.email_addresses && b.email_addresses
         UNION
         SELECT a.id, b.id FROM live a JOIN live b ON a.id < b.id AND a.organisation_id = b.organisation_id
           AND a.search_name % b.search_name AND similarity(a.search_name, b.search_name) >= ${NAME_DUPLICATE_THRESHOLD})
       SELECT pair.a_id, a.given_name AS a_given, a.family_name AS a_family, a.organisation_id AS a_org,
              pair.b_id, b.given_name AS b_given, b.family_name AS b_family, b.organisation_id AS b_org,
              (a.email_addresses && b.email_addresses) AS same_email,
              round(similarity(a.search_name, b.search_name)::numeric, 4) AS name_score
       FROM pairs pair JOIN live a ON a.id = pair.a_id JOIN live b ON b.id = pair.b_id
       ${cond}
       ORDER BY pair.a_id, pair.b_id LIMIT ${limit + 1}`,
      params,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      items: page.map((r) => ({
        contact: { id: r.a_id, givenName: r.a_given, familyName: r.a_family, organisationId: r.a_org },
        duplicate: { id: r.b_id, givenName: r.b_given, familyName: r.b_family, organisationId: r.b_org },
        score: r.same_email ? 1 : Number(r.name_score),
        reason: r.same_email ? 'same_email' : 'similar_name_same_organisation',
      })),
      nextCursor: more ? encodeCursor([page[page.length - 1].a_id, page[page.length - 1].b_id]) : null,
    };
  }

  /** Every foreign key column that references contacts(id), found in the catalogue (other modules' tables included). */
  async contactReferences(m: EntityManager = this.tx.manager): Promise<ContactReference[]> {
    return m.query(
      `SELECT ns.nspname AS "schema", cl.relname AS "table", att.attname AS "column", con.conname AS "constraint"
       FROM pg_constraint con
       JOIN pg_class cl ON cl.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = cl.relnamespace
       JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
       WHERE con.contype = 'f' AND con.confrelid = 'contacts'::regclass AND cardinality(con.conkey) = 1
       ORDER BY 1, 2, 3`,
    );
  }

  /**
   * Keeps `survivorId`; moves everything that points at the duplicate onto it (generically, through every
   * foreign key to contacts), fills its empty fields from the duplicate, unites e-mails, phones and tags, and
   * leaves the duplicate as a tombstone (`merged_into_id`). One transaction: all of it or nothing.
   */
  async merge(survivorId: string, duplicateId: string): Promise<ContactResponseDto> {
    if (survivorId === duplicateId) {
      throw new ValidationFailedError('A contact cannot be merged into itself', [
        { field: 'duplicateId', message: 'must differ from the contact id' },
      ]);
    }
    return this.tx.run(async (m) => {
      // Lock both in a fixed order so two merges of the same pair cannot deadlock.
      await m.query('SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [
        [survivorId, duplicateId],
      ]);
      const survivor = await this.contacts.load(survivorId, true);
      const duplicate = await this.contacts.load(duplicateId, true).catch((e: unknown) => {
        if (e instanceof Error && 'status' in e && (e as { status: number }).status === 404) {
          throw new ValidationFailedError(`duplicateId ${duplicateId} is not a contact`, [
            { field: 'duplicateId', message: 'no such contact' },
          ]);
        }
        throw e;
      });
      if (survivor.erased_at || duplicate.erased_at) {
        throw new ConflictError('CONTACT_ERASED', 'An erased contact cannot take part in a merge');
      }

      // Our own rule first: a contact has at most one primary affiliation.
      if (await this.hasPrimaryAffiliation(m, survivorId)) {
        await m.query(
          'UPDATE contact_affiliations SET is_primary = false WHERE contact_id = $1 AND is_primary',
          [duplicateId],
        );
      }
      const moved: Record<string, { moved: number; dropped: number }> = {};
      for (const ref of await this.contactReferences(m)) {
        moved[`${ref.table}.${ref.column}`] = await this.moveReferences(m, ref, duplicateId, survivorId);
      }

      const before = toContactResponse(survivor);
      const dup = toContactResponse(duplicate);
      const sets: string[] = [];
      const vals: unknown[] = [survivorId];
      for (const [col, prop] of FILL) {
        if ((before[prop] === null || before[prop] === '') && dup[prop] !== null && dup[prop] !== '') {
          sets.push(`${col} = $${vals.push(dup[prop])}`);
        }
      }
      const emails = unionBy(before.emails, dup.emails, (e) => e.address.toLowerCase());
      const phones = unionBy(before.phones, dup.phones, (p) => p.number);
      const tags = unionBy(before.tags, dup.tags, (t) => t);
      sets.push(
        `emails = $${vals.push(JSON.stringify(emails))}`,
        `phones = $${vals.push(JSON.stringify(phones))}`,
        `tags = $${vals.push(tags)}`,
        // The survivor's own profiles win; the duplicate's fill the gaps.
        `social_profiles = $${vals.push(JSON.stringify(duplicate.social_profiles ?? {}))}::jsonb || social_profiles`,
      );
      sets.push(
        `last_interaction_at = GREATEST(last_interaction_at, $${vals.push(duplicate.last_interaction_at)}::timestamptz)`,
      );
      const updated = await queryRows<ContactRow>(
        m,
        `UPDATE contacts c SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
        vals,
      );
      // The tombstone keeps no contact details of its own: they now live on the survivor.
      await m.query(
        `UPDATE contacts SET merged_into_id = $2, emails = '[]', phones = '[]', archived_at = coalesce(archived_at, now()),
           version = version + 1, updated_at = now() WHERE id = $1`,
        [duplicateId, survivorId],
      );
      const after = toContactResponse(updated[0]);
      await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: survivorId });
      await this.audit.recordMany([
        {
          action: 'merge',
          entityType: 'contact',
          entityId: survivorId,
          contactId: survivorId,
          before,
          after: { ...after, mergedFrom: duplicateId, moved },
        },
        {
          action: 'merged_into',
          entityType: 'contact',
          entityId: duplicateId,
          contactId: duplicateId,
          before: dup,
          after: { mergedInto: survivorId },
        },
      ]);
      return after;
    });
  }

  private async hasPrimaryAffiliation(m: EntityManager, contactId: string): Promise<boolean> {
    const r: unknown[] = await m.query(
      'SELECT 1 FROM contact_affiliations WHERE contact_id = $1 AND is_primary LIMIT 1',
      [contactId],
    );
    return r.length > 0;
  }

  /**
   * Repoints one foreign key column from the duplicate to the survivor. Rows that would then break a unique
   * constraint (the survivor already has the same link) are deleted instead: first set-based for plain unique
   * indexes, then row by row under a savepoint for anything else (partial or expression indexes).
   */
  private async moveReferences(
    m: EntityManager,
    ref: ContactReference,
    from: string,
    to: string,
  ): Promise<{ moved: number; dropped: number }> {
    const t = `${ident(ref.schema)}.${ident(ref.table)}`;
    const col = ident(ref.column);
    let dropped = 0;
    const uniques: { cols: string[] }[] = await m.query(
      `SELECT array_agg(a.attname::text ORDER BY k.ord) AS cols
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
       GROUP BY i.indexrelid
       HAVING bool_or(a.attname = $2)`,
      [t, ref.column],
    );
    for (const u of uniques) {
      const others = u.cols.filter((c) => c !== ref.column);
      const same = others.map((c) => `s.${ident(c)} = d.${ident(c)}`).join(' AND ');
      const res = await queryRows<unknown>(
        m,
        `DELETE FROM ${t} d WHERE d.${col} = $1 AND EXISTS (SELECT 1 FROM ${t} s WHERE s.${col} = $2${same ? ` AND ${same}` : ''}) RETURNING 1`,
        [from, to],
      );
      dropped += res.length;
    }
    await m.query('SAVEPOINT contact_merge_move');
    try {
      const res = await queryRows<unknown>(m, `UPDATE ${t} SET ${col} = $2 WHERE ${col} = $1 RETURNING 1`, [
        from,
        to,
      ]);
      await m.query('RELEASE SAVEPOINT contact_merge_move');
      return { moved: res.length, dropped };
    } catch (err) {
      await m.query('ROLLBACK TO SAVEPOINT contact_merge_move');
      if (
        (err as { driverError?: { code?: string }; code?: string }).driverError?.code !== '23505' &&
        (err as { code?: string }).code !== '23505'
      ) {
        throw err;
      }
    }
    // Some other unique rule (partial or on an expression): row by row.
    let moved = 0;
    const rows: { ctid: string }[] = await m.query(`SELECT ctid::text AS ctid FROM ${t} WHERE ${col} = $1`, [
      from,
    ]);
    for (const r of rows) {
      await m.query('SAVEPOINT contact_merge_row');
      try {
        await m.query(`UPDATE ${t} SET ${col} = $2 WHERE ctid = $1::tid`, [r.ctid, to]);
        await m.query('RELEASE SAVEPOINT contact_merge_row');
        moved += 1;
      } catch (err) {
        await m.query('ROLLBACK TO SAVEPOINT contact_merge_row');
        const code =
          (err as { driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
        if (code !== '23505') throw err;
        await m.query(`DELETE FROM ${t} WHERE ctid = $1::tid`, [r.ctid]);
        dropped += 1;
      }
    }
    this.logger.log(
      `merge: ${ref.table}.${ref.column} moved row by row (${moved} moved, ${dropped} dropped)`,
    );
    return { moved, dropped };
  }
}
