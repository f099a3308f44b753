import { Injectable } from '@nestjs/common';
import { AuditInput, AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { afterCreated, Page, PageQueryDto, pageSize, toPage } from '../common/http/pagination.js';
import { TransactionService } from '../database/transaction.service.js';
import { CONTACT_COLUMNS, ContactRow, toContactResponse } from './contact.mapper.js';
import { ContactsService } from './contacts.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { AffiliationResponseDto, CreateAffiliationDto } from './dto/affiliation.dto.js';
import { ContactResponseDto } from './dto/contact.response.dto.js';
import { ListContactsQueryDto } from './dto/search-contacts.dto.js';
import { queryRows } from '../database/query-rows.js';

interface AffiliationRow {
  id: string;
  contact_id: string;
  organisation_id: string;
  organisation_name: string;
  job_title: string | null;
  department: string | null;
  since: string | null;
  until: string | null;
  is_primary: boolean;
  current: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_key: string;
}

const COLUMNS = `a.id, a.contact_id, a.organisation_id, o.name AS organisation_name, a.job_title, a.department,
  a.since::text AS since, a.until::text AS until, a.is_primary,
  ((a.since IS NULL OR a.since <= current_date) AND (a.until IS NULL OR a.until >= current_date)) AS current,
  a.version, a.created_at, a.updated_at, a.created_at::text AS created_key`;

const toResponse = (r: AffiliationRow): AffiliationResponseDto => ({
  id: r.id,
  contactId: r.contact_id,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  jobTitle: r.job_title,
  department: r.department,
  since: r.since,
  until: r.until,
  primary: r.is_primary,
  current: r.current,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A contact's roles at organisations over time. */
@Injectable()
export class AffiliationsService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly contacts: ContactsService,
    private readonly notifier: RecipientNotifier,
  ) {}

  async list(contactId: string, q: PageQueryDto): Promise<Page<AffiliationResponseDto>> {
    await this.contacts.load(contactId);
    const limit = pageSize(q);
    const params: unknown[] = [contactId];
    const after = afterCreated(q.cursor, 'a', 'asc', (v) => `$${params.push(v)}`);
    const cond = after ? `AND ${after}` : '';
    const rows: AffiliationRow[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM contact_affiliations a JOIN organisations o ON o.id = a.organisation_id
       WHERE a.contact_id = $1 ${cond} ORDER BY a.created_at, a.id LIMIT ${limit + 1}`,
      params,
    );
    return toPage(rows, limit, toResponse, (r) => [r.created_key, r.id]);
  }

  async create(contactId: string, dto: CreateAffiliationDto): Promise<AffiliationResponseDto> {
    const contact = await this.contacts.load(contactId, true);
    if (contact.erased_at) throw new ConflictError('CONTACT_ERASED', `Contact ${contactId} was erased`);
    const org: unknown[] = await this.tx.manager.query('SELECT 1 FROM organisations WHERE id = $1', [
      dto.organisationId,
    ]);
    if (!org.length) {
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
      await m.query(
        'UPDATE contact_affiliations SET is_primary = false, version = version + 1, updated_at = now() WHERE contact_id = $1 AND is_primary',
        [contactId],
      );
    }
    const ins: { id: string }[] = await m.query(
      `INSERT INTO contact_affiliations (contact_id, organisation_id, job_title, department, since, until, is_primary)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        contactId,
        dto.organisationId,
        dto.jobTitle ?? null,
        dto.department ?? null,
        dto.since ?? null,
        dto.until ?? null,
        dto.primary ?? false,
      ],
    );
    const rows: AffiliationRow[] = await m.query(
      `SELECT ${COLUMNS} FROM contact_affiliations a JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1`,
      [ins[0].id],
    );
    const created = toResponse(rows[0]);
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
      const updated = await queryRows<ContactRow>(
        m,
        `UPDATE contacts c SET organisation_id = $2, job_title = coalesce($3, job_title), version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING ${CONTACT_COLUMNS}`,
        [contactId, dto.organisationId, dto.jobTitle ?? null],
      );
      events.push({
        action: 'update',
        entityType: 'contact',
        entityId: contactId,
        contactId,
        before: toContactResponse(contact),
        after: toContactResponse(updated[0]),
      });
      await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId });
    }
    await this.audit.recordMany(events);
    return created;
  }

  /** People at an organisation: its current contacts and those with a current role there. */
  async contactsOf(organisationId: string, q: ListContactsQueryDto): Promise<Page<ContactResponseDto>> {
    const org: unknown[] = await this.tx.manager.query('SELECT 1 FROM organisations WHERE id = $1', [
      organisationId,
    ]);
    if (!org.length) throw new NotFoundError('Organisation', organisationId);
    return this.contacts.search({ ...q, organisationId });
  }
}
