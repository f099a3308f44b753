import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { Page, pageSize, toPage } from '../common/http/pagination.js';
import { composeWith, runComposed, SqlParams } from '../database/composed-write.js';
import { TransactionService } from '../database/transaction.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { uuidV7 } from '../crypto/uuid-v7.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { SuppressionsService } from '../suppressions/suppressions.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { ContactRow, toContactResponse } from './contact.mapper.js';
import { CONTACT_FIELDS, normaliseEmails, normalisePhones } from './contact-fields.js';
import { normaliseKeyDates } from './key-dates.js';
import { ContactsRepository, type NewContactRow } from './contacts.repository.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';
import { CreateContactDto } from './dto/create-contact.dto.js';
import { ListContactsQueryDto } from './dto/search-contacts.dto.js';
import { UpdateContactDto } from './dto/update-contact.dto.js';
import { toVCard } from './vcard.js';

/** Body property → column, for the fields a client may write. */
const WRITABLE = Object.entries(CONTACT_FIELDS) as [keyof CreateContactDto, string][];
/** Internal bookkeeping; every other field is the contact's personal data (a change is a rectification, Art. 16/19). */
const NON_PERSONAL = new Set<keyof CreateContactDto>(['tags', 'ownerId']);
const REQUIRED = new Set<keyof CreateContactDto>(['givenName', 'familyName']);

/** The stored value of a body field (normalised lists, empty lists for null). */
function storedValue(prop: keyof CreateContactDto, v: unknown): unknown {
  switch (prop) {
    case 'emails':
      return JSON.stringify(normaliseEmails(v as never));
    case 'phones':
      return JSON.stringify(normalisePhones(v as never));
    case 'tags':
      return Array.from(new Set((v as string[] | null) ?? []));
    case 'keyDates':
      return JSON.stringify(normaliseKeyDates(v as never));
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
  if (prop === 'emails' || prop === 'phones' || prop === 'keyDates') return JSON.parse(stored as string);
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
    private readonly repo: ContactsRepository,
    private readonly organisations: OrganisationsRepository,
    private readonly users: UsersRepository,
    private readonly suppressions: SuppressionsService,
    private readonly crypto: CryptoService,
  ) {}

  /**
   * One statement (issue 11): the reference and suppression checks, the contact, its new data key and its audit
   * event, composed from each owner's part (database/composed-write.ts) and run in the request's transaction. The
   * contact's id, timestamps and key are made here, so the event (its values sealed under the new key) is known
   * before anything is written; the statement writes all of them or none. The row PostgreSQL returns must be the
   * one predicted, or the transaction is rolled back. Outside a request's transaction (a caller without one) the
   * statement is its own transaction: still all or nothing (the check then can only refuse to answer).
   */
  async create(dto: CreateContactDto): Promise<ContactResponseDto> {
    const m = this.tx.manager;
    const at = new Date();
    const stored = Object.fromEntries(WRITABLE.map(([prop, col]) => [col, storedValue(prop, dto[prop] ?? null)]));
    const row = {
      ...stored,
      // UUIDv7 (as the import's): new contacts, their data keys and their events' (contact_id, seq) and
      // (entity_type, entity_id, seq) entries go to the right-hand end of each index instead of a random page.
      id: uuidV7(at.getTime()),
      organisation_id: dto.organisationId ? dto.organisationId.toLowerCase() : null,
      owner_id: dto.ownerId ? dto.ownerId.toLowerCase() : null,
      created_at: at,
      updated_at: at,
    } as NewContactRow;
    const created = toContactResponse({
      ...row,
      emails: JSON.parse(row.emails),
      phones: JSON.parse(row.phones),
      social_profiles: JSON.parse(row.social_profiles),
      key_dates: JSON.parse(row.key_dates),
      version: 1,
      archived_at: null,
      erased_at: null,
      merged_into_id: null,
      last_interaction_at: null,
      created_key: '',
    });
    const p = new SqlParams();
    const addresses = normaliseEmails(dto.emails).map((e) => e.address);
    const check = `SELECT ${this.organisations.existsCondition(p.bind(row.organisation_id, 'uuid'))} AS organisation_ok,
            ${this.users.existsCondition(p.bind(row.owner_id, 'uuid'))} AS owner_ok,
            ${this.suppressions.suppressedCondition(addresses, p.bind)} AS suppressed`;
    const contact = this.repo.insertPart(row, p.bind, '(SELECT organisation_ok AND owner_ok AND NOT suppressed FROM w_check)');
    const key = this.crypto.newContactKeyPart(row.id, p.bind, 'w_contact');
    const event = this.audit.eventPart(
      m,
      { action: 'create', entityType: 'contact', entityId: row.id, contactId: row.id, after: created },
      key.seal,
      p.bind,
      'w_contact',
    );
    const text = composeWith(
      [
        { name: 'w_check', sql: check },
        { name: 'w_contact', sql: contact },
        { name: 'w_key', sql: key.sql },
        { name: 'w_event', sql: event.sql },
      ],
      'SELECT w_check.organisation_ok, w_check.owner_ok, w_check.suppressed, w_contact.* FROM w_check LEFT JOIN w_contact ON true',
    );
    const [r] = await runComposed<ContactRow & { organisation_ok: boolean; owner_ok: boolean; suppressed: boolean }>(m, text, p);
    event.written();
    if (!r.organisation_ok) throw noSuchOrganisation(dto.organisationId!);
    if (!r.owner_ok) throw noSuchUser(dto.ownerId!);
    // Issue 12: an erased person's address does not come back silently (409 SUPPRESSED).
    if (r.suppressed) throw this.suppressions.suppressedError();
    const written = toContactResponse(r);
    if (JSON.stringify(written) !== JSON.stringify(created)) {
      // The event already holds `created`: never answer a contact that differs from its audit event (a bug; in a
      // transaction it also rolls back, an autocommitted statement has committed: the 500 and its log tell).
      throw new Error('contacts: the row written differs from the one audited');
    }
    return written;
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
    if (dto.emails) {
      // Issue 12: only an address added by this PATCH is checked against the suppression list (409 SUPPRESSED).
      const had = new Set(before.emails.map((e) => e.address));
      await this.suppressions.assertNotSuppressed(this.tx.manager, normaliseEmails(dto.emails).map((e) => e.address).filter((a) => !had.has(a)));
    }
    const sets: [string, unknown][] = [];
    const rectified: string[] = [];
    for (const [prop, col] of WRITABLE) {
      const v = dto[prop];
      if (v === undefined) continue;
      const stored = storedValue(prop, v);
      const old = (before as unknown as Record<string, unknown>)[prop];
      const changed = JSON.stringify(asResponse(prop, stored)) !== JSON.stringify(old ?? null);
      if (!changed) continue;
      if (!NON_PERSONAL.has(prop)) rectified.push(prop);
      sets.push([col, stored]);
    }
    if (sets.length === 0) return before;
    const after = toContactResponse(await this.repo.update(this.tx.manager, id, sets));
    // Art. 16/19 (issue 12): only recipients that were disclosed a changed field are told, with the field names.
    if (rectified.length) await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: id, fields: rectified });
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
    const after = toContactResponse(await this.repo.setArchived(this.tx.manager, current.id, archived));
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
    const term = q.q?.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');
    if (!term) {
      const rows = await this.repo.list(this.tx.manager, q, limit);
      return toPage(rows, limit, toContactResponse, (r) => [r.created_key, r.id]);
    }
    // Trigrams and full text see only letters and digits: a term without any matches nothing (and would otherwise
    // make the trigram indexes read every entry).
    if (!/[\p{L}\p{N}]/u.test(term)) return { items: [], nextCursor: null };
    const rows = await this.tx.run((m) => this.repo.search(m, q, term, limit));
    return toPage(rows, limit, toContactResponse, (r) => [r.score, r.id]);
  }

  /** The contact as a vCard 4.0; the export is audited. */
  async vcard(id: string): Promise<string> {
    const c = await this.load(id);
    const organisationName = c.organisation_id ? await this.organisations.nameOf(this.tx.manager, c.organisation_id) : null;
    const dto = toContactResponse(c);
    const card = toVCard({
      ...dto,
      linkedinUrl: dto.socialProfiles.linkedin,
      xingUrl: dto.socialProfiles.xing,
      organisationName,
    });
    await this.audit.record({ action: 'export_vcard', entityType: 'contact', entityId: id, contactId: id });
    return card;
  }

  /** 404 for an unknown id, 410 (with `mergedInto`) for a contact merged into another. */
  async load(id: string, lock = false): Promise<ContactRow> {
    const row = await this.repo.findById(this.tx.manager, id, lock && this.tx.inTransaction);
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
      if (!(await this.organisations.exists(m, dto.organisationId))) throw noSuchOrganisation(dto.organisationId);
    }
    if (dto.ownerId) {
      if (!(await this.users.exists(m, dto.ownerId))) throw noSuchUser(dto.ownerId);
    }
  }
}

const noSuchOrganisation = (id: string) =>
  new ValidationFailedError(`organisationId ${id} is not an organisation`, [{ field: 'organisationId', message: 'no such organisation' }]);
const noSuchUser = (id: string) => new ValidationFailedError(`ownerId ${id} is not a user`, [{ field: 'ownerId', message: 'no such user' }]);
