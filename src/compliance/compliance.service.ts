import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { ContactExportPart, PersonalDataHolders } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { consentCoverageOf } from './consent-coverage.query.js';
import { ConsentCoverageResponseDto, ContactExportResponseDto, ErasureResponseDto } from './dto/compliance.dto.js';

/** The sections of the export that are lists of rows (each filled by the holders of the tables behind it). */
const LIST_SECTIONS = ['affiliations', 'interactions', 'followUps', 'consents', 'objections', 'disclosures'] as const;

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
  ) {}

  /** GDPR Art. 15/20: everything held on the contact, machine-readable. Audited. */
  async export(contactId: string): Promise<ContactExportResponseDto> {
    return this.tx.run(async (m) => {
      const row = await this.contacts.findRaw(m, contactId);
      if (!row) throw new NotFoundError('Contact', contactId);
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
        disclosures: [],
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
      await this.audit.record({ action: 'export', entityType: 'contact', entityId: contactId, contactId, after: { format: out.format } });
      return out;
    });
  }

  /**
   * GDPR Art. 17. Every holder removes or anonymises what it keeps (the contact's own fields for good; consent,
   * objection and disclosure records stay as proof, pseudonymised; the contact's data key is destroyed last, so
   * personal values sealed in the audit trail are unreadable while the chain still verifies); every recipient that
   * received the contact's data is told (Art. 19). Afterwards every check answers contact_erased.
   */
  async erase(contactId: string): Promise<ErasureResponseDto> {
    return this.tx.run(async (m) => {
      const row = await this.contacts.findRaw(m, contactId, true);
      if (!row) throw new NotFoundError('Contact', contactId);
      if (row.erased_at) {
        return { contactId, erasedAt: row.erased_at as Date, alreadyErased: true, recipientsNotified: 0 };
      }
      for (const holder of this.holders.all()) await holder.eraseFor(m, contactId);
      const erased = await this.contacts.findRaw(m, contactId);
      // Stored idempotent answers may hold the contact's data.
      await this.idempotency.forgetAnswersAbout(m, contactId);
      const recipientsNotified = await this.notifier.notifyContactEvent({ type: 'contact.erased', contactId });
      await this.audit.record({ action: 'erase', entityType: 'contact', entityId: contactId, after: { erased: true } });
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
