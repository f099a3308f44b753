import { Injectable } from '@nestjs/common';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { toAffiliationResponse } from './affiliations.query.js';
import { AffiliationsRepository } from './affiliations.repository.js';
import { toContactResponse } from './contact.mapper.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { AffiliationResponseDto, CreateAffiliationDto } from './dto/affiliation.dto.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';
import { ListContactsQueryDto } from './dto/search-contacts.dto.js';

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
    // The primary role is the contact's current organisation (and job title).
    if (
      dto.primary &&
      (contact.organisation_id !== dto.organisationId || (dto.jobTitle && dto.jobTitle !== contact.job_title))
    ) {
      const updated = await this.contactRows.setCurrentOrganisation(m, contactId, dto.organisationId, dto.jobTitle ?? null);
      events.push({
        action: 'update',
        entityType: 'contact',
        entityId: contactId,
        contactId,
        before: toContactResponse(contact),
        after: toContactResponse(updated),
      });
      await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId });
    }
    await this.audit.recordMany(events);
    return created;
  }

  /** People at an organisation: its current contacts and those with a current role there. */
  async contactsOf(organisationId: string, q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    if (!(await this.organisations.exists(this.tx.manager, organisationId))) throw new NotFoundError('Organisation', organisationId);
    return this.contacts.search({ ...q, organisationId });
  }
}
