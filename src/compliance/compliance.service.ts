import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { ContactExportPart, PersonalDataHolders } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { SubjectRequestsService } from '../subject-requests/subject-requests.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { consentCoverageOf } from './consent-coverage.query.js';
import { ConsentCoverageResponseDto, ContactExportResponseDto, ErasureResponseDto } from './dto/compliance.dto.js';

/** The sections of the export that are lists of rows (each filled by the holders of the tables behind it). */
const LIST_SECTIONS = ['affiliations', 'interactions', 'followUps', 'consents', 'objections', 'bases', 'disclosures'] as const;

/** The purpose keys the export's rows name (consents, objections, bases, disclosures carry `purpose`). */
function purposeKeysOf(out: ContactExportResponseDto): string[] {
  const keys = new Set<string>();
  for (const section of [out.consents, out.objections, out.bases, out.disclosures]) {
    for (const row of section) {
      const key = row.purpose ?? row.purposeKey;
      if (typeof key === 'string' && key !== '') keys.add(key);
    }
  }
  return [...keys];
}

/**
 * GDPR Art. 15/17/20 over every feature that keeps personal data of a contact: the features register
 * PersonalDataHolders (src/common/personal-data/), and export and erasure iterate over them; this service knows
 * no feature's tables.
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly holders: PersonalDataHolders,
    private readonly contacts: ContactsRepository,
    private readonly purposes: PurposesRepository,
    private readonly notifier: RecipientNotifier,
    private readonly idempotency: IdempotencyService,
    private readonly subjectRequests: SubjectRequestsService,
  ) {}

  /**
   * GDPR Art. 15/20: everything held on the contact, machine-readable (the PDF renders the same document). Every
   * holder reads all its rows: no section is capped. Naming `requestId` marks that data-subject request done.
   * Audited.
   */
  async export(contactId: string, opts: { requestId?: string; format?: 'json' | 'pdf' } = {}): Promise<ContactExportResponseDto> {
    return this.tx.run(async (m) => {
      const row = await this.contacts.findRaw(m, contactId);
      if (!row) throw new NotFoundError('Contact', contactId);
      if (opts.requestId) {
        const request = await this.subjectRequests.assertAnswerable(m, opts.requestId, contactId);
        await this.subjectRequests.markAnswered(m, request, contactId, 'export');
      }
      const out: ContactExportResponseDto = {
        format: 'rapport.contact-export.v1',
        exportedAt: new Date(),
        contactId,
        profile: toPlain(row),
        affiliations: [],
        interactions: [],
        followUps: [],
        consents: [],
        objections: [],
        bases: [],
        disclosures: [],
        purposes: [],
        other: {},
      };
      const parts: ContactExportPart[] = [];
      for (const holder of this.holders.all()) parts.push(await holder.exportFor(m, contactId));
      for (const part of parts) {
        if (part.profile) out.profile = part.profile;
        for (const section of LIST_SECTIONS) if (part[section]) out[section].push(...part[section]);
        for (const [table, rows] of Object.entries(part.other ?? {})) (out.other[table] ??= []).push(...rows);
      }
      // Tables in the order of their names, as a reader of the export expects them.
      out.other = Object.fromEntries(Object.entries(out.other).sort(([a], [b]) => a.localeCompare(b)));
      out.purposes = (await this.purposes.describedByKeys(m, purposeKeysOf(out))).map((p) => ({
        key: p.key,
        name: p.name,
        description: p.description,
        legalBasis: p.legal_basis,
        dataCategories: p.data_categories,
        retentionDays: p.retention_days,
        retiredAt: p.retired_at ? new Date(p.retired_at).toISOString() : null,
      }));
      await this.audit.record({
        action: 'export',
        entityType: 'contact',
        entityId: contactId,
        contactId,
        after: { format: out.format, as: opts.format ?? 'json', requestId: opts.requestId ?? null },
      });
      return out;
    });
  }

  /**
   * GDPR Art. 17. Every holder removes or anonymises what it keeps (the contact's own fields for good; consent,
   * objection and disclosure records stay as proof, pseudonymised; the contact's data key is destroyed last, so
   * personal values sealed in the audit trail are unreadable while the chain still verifies); every recipient that
   * received the contact's data is told (Art. 19). Afterwards every check answers contact_erased.
   */
  async erase(contactId: string, opts: { reason?: string; requestId?: string } = {}): Promise<ErasureResponseDto> {
    const { reason, requestId } = opts;
    return this.tx.run(async (m) => {
      const row = await this.contacts.findRaw(m, contactId, true);
      if (!row) throw new NotFoundError('Contact', contactId);
      const request = requestId ? await this.subjectRequests.assertAnswerable(m, requestId, contactId) : undefined;
      if (row.erased_at) {
        if (request) await this.subjectRequests.markAnswered(m, request, contactId, 'erasure');
        return { contactId, erasedAt: row.erased_at as Date, alreadyErased: true, recipientsNotified: 0 };
      }
      for (const holder of this.holders.all()) await holder.eraseFor(m, contactId);
      const erased = await this.contacts.findRaw(m, contactId);
      // Stored idempotent answers may hold the contact's data.
      await this.idempotency.forgetAnswersAbout(m, contactId);
      const recipientsNotified = await this.notifier.notifyContactEvent({ type: 'contact.erased', contactId });
      // After the holders: the request's free text is cleared with the rest, its record stays as proof of the answer.
      if (request) await this.subjectRequests.markAnswered(m, request, contactId, 'erasure');
      await this.audit.record({ action: 'erase', entityType: 'contact', entityId: contactId, after: { erased: true, reason: reason ?? null, requestId: requestId ?? null } });
      return { contactId, erasedAt: erased!.erased_at as Date, alreadyErased: false, recipientsNotified };
    });
  }

  async consentCoverage(purposeKey: string): Promise<ConsentCoverageResponseDto> {
    const m = this.tx.manager;
    const purposeId = await this.purposes.idByKey(m, purposeKey);
    if (!purposeId) throw new NotFoundError('Purpose', purposeKey);
    const r = await consentCoverageOf(m, purposeId);
    return {
      purpose: purposeKey,
      contacts: r.contacts,
      withConsent: r.withConsent,
      withoutConsent: r.contacts - r.withConsent,
      expiringWithin30Days: r.expiring,
    };
  }
}
