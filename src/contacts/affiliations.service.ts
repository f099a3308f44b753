import { Injectable } from '@nestjs/common';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { toAffiliationResponse } from './affiliations.query.js';
import { AffiliationsRepository } from './affiliations.repository.js';
import { ContactRow, toContactResponse } from './contact.mapper.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { AffiliationResponseDto, CreateAffiliationDto, UpdateAffiliationDto } from './dto/affiliation.dto.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { todayUtc } from './key-dates.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';
import { ListContactsQueryDto } from './dto/search-contacts.dto.js';

const FIELD_OF_COLUMN: Record<string, string> = { organisation_id: 'organisationId', job_title: 'jobTitle' };

/** A contact's roles at organisations over time. */
@Injectable()
export class AffiliationsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly contacts: ContactsService,
    private readonly notifier: RecipientNotifier,
    private readonly repo: AffiliationsRepository,
    private readonly contactRows: ContactsRepository,
    private readonly organisations: OrganisationsRepository,
  ) {}

  async list(contactId: string, q: PageQueryDto): Promise<Page<AffiliationResponseDto>> {
    await this.contacts.load(contactId);
    const limit = pageSize(q);
    const rows = await this.repo.list(this.tx.manager, contactId, q.cursor, limit);
    return toPage(rows, limit, toAffiliationResponse, (r) => [r.created_key, r.id]);
  }

  async create(contactId: string, dto: CreateAffiliationDto): Promise<AffiliationResponseDto> {
    const contact = await this.contacts.load(contactId, true);
    if (contact.erased_at) throw new ConflictError('CONTACT_ERASED', `Contact ${contactId} was erased`);
    if (!(await this.organisations.exists(this.tx.manager, dto.organisationId))) {
      throw new ValidationFailedError(`organisationId ${dto.organisationId} is not an organisation`, [
        { field: 'organisationId', message: 'no such organisation' },
      ]);
    }
    if (dto.since && dto.until && dto.since > dto.until) {
      throw new ValidationFailedError('until must not be before since', [
        { field: 'until', message: 'until must not be before since' },
      ]);
    }
    const m = this.tx.manager;
    if (dto.primary) {
      await this.repo.clearPrimary(m, contactId);
    }
    const id = await this.repo.insert(m, {
      contactId,
      organisationId: dto.organisationId,
      jobTitle: dto.jobTitle ?? null,
      department: dto.department ?? null,
      since: dto.since ?? null,
      until: dto.until ?? null,
      primary: dto.primary ?? false,
    });
    const created = toAffiliationResponse((await this.repo.findById(m, id))!);
    const events: AuditInput[] = [
      {
        action: 'create',
        entityType: 'contact_affiliation',
        entityId: created.id,
        contactId,
        after: created,
      },
    ];
    // The primary role is the contact's current organisation (and job title, when the role names one).
    if (dto.primary) {
      const sets: [string, unknown][] = [];
      if (contact.organisation_id !== dto.organisationId) sets.push(['organisation_id', dto.organisationId]);
      if (dto.jobTitle && dto.jobTitle !== contact.job_title) sets.push(['job_title', dto.jobTitle]);
      await this.rectifyContact(contact, sets, events);
    }
    await this.audit.recordMany(events);
    return created;
  }

  /**
   * Ends or corrects a role. Ending the primary role (`until` today or earlier, UTC) clears the contact's current
   * organisation — and its job title when that is the role's — and notifies the recipients that received the
   * contact's data (`contact.rectified`); making a current role primary makes its organisation the contact's.
   */
  async update(contactId: string, id: string, dto: UpdateAffiliationDto, ifMatch: IfMatch): Promise<AffiliationResponseDto> {
    const m = this.tx.manager;
    const contact = await this.contacts.load(contactId, true);
    const exists = await this.repo.lock(m, id);
    const beforeRow = exists ? await this.repo.findById(m, id) : undefined;
    if (!beforeRow || beforeRow.contact_id !== contactId) throw new NotFoundError('Affiliation', id);
    assertIfMatch(ifMatch, beforeRow.version);
    if (contact.erased_at) throw new ConflictError('CONTACT_ERASED', `Contact ${contactId} was erased`);
    const until = dto.until === undefined ? beforeRow.until : dto.until;
    if (until && beforeRow.since && until < beforeRow.since) {
      throw new ValidationFailedError('until must not be before since', [
        { field: 'until', message: 'until must not be before since' },
      ]);
    }
    const before = toAffiliationResponse(beforeRow);
    if (dto.primary === true && !beforeRow.is_primary) await this.repo.clearPrimary(m, contactId);
    await this.repo.update(m, id, {
      jobTitle: dto.jobTitle,
      department: dto.department,
      until: dto.until,
      primary: dto.primary === undefined || dto.primary === beforeRow.is_primary ? undefined : dto.primary,
    });
    const afterRow = (await this.repo.findById(m, id))!;
    const after = toAffiliationResponse(afterRow);
    const events: AuditInput[] = [
      { action: 'update', entityType: 'contact_affiliation', entityId: id, contactId, before, after },
    ];
    const ended = afterRow.until !== null && afterRow.until <= todayUtc();
    const sets: [string, unknown][] = [];
    if (afterRow.is_primary && ended) {
      // The role the contact's current organisation came from is over: the contact no longer works there.
      if (contact.organisation_id === afterRow.organisation_id) sets.push(['organisation_id', null]);
      if (sets.length && contact.job_title !== null && [beforeRow.job_title, afterRow.job_title].includes(contact.job_title)) {
        sets.push(['job_title', null]);
      }
    } else if (afterRow.is_primary && !ended && (dto.primary === true || dto.jobTitle !== undefined)) {
      if (contact.organisation_id !== afterRow.organisation_id) sets.push(['organisation_id', afterRow.organisation_id]);
      if (afterRow.job_title && afterRow.job_title !== contact.job_title) sets.push(['job_title', afterRow.job_title]);
    }
    await this.rectifyContact(contact, sets, events);
    await this.audit.recordMany(events);
    return after;
  }

  /** People at an organisation: its current contacts and those with a current role there. */
  async contactsOf(organisationId: string, q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    if (!(await this.organisations.exists(this.tx.manager, organisationId))) throw new NotFoundError('Organisation', organisationId);
    return this.contacts.search({ ...q, organisationId });
  }

  /**
   * Applies an affiliation's consequences to the contact row (current organisation, job title), audits the change
   * with the events of the same request and, as for any rectification (Art. 19), notifies the recipients that
   * received one of the changed fields (their names only).
   */
  private async rectifyContact(contact: ContactRow, sets: [string, unknown][], events: AuditInput[]): Promise<void> {
    if (!sets.length) return;
    const updated = await this.contactRows.update(this.tx.manager, contact.id, sets);
    events.push({
      action: 'update',
      entityType: 'contact',
      entityId: contact.id,
      contactId: contact.id,
      before: toContactResponse(contact),
      after: toContactResponse(updated),
    });
    await this.notifier.notifyContactEvent({
      type: 'contact.rectified',
      contactId: contact.id,
      fields: sets.map(([col]) => FIELD_OF_COLUMN[col]),
    });
  }
}
