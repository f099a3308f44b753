import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { queryRows } from '../database/query-rows.js';
import { TransactionService } from '../database/transaction.service.js';
import { IdempotencyService } from '../idempotency/idempotency.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { contactReferences, quoteIdent, toPlain } from './contact-references.js';
import { ConsentCoverageResponseDto, ContactExportResponseDto, ErasureResponseDto } from './dto/compliance.dto.js';

/** Columns of `contacts` that erasure keeps: identity, structure and timestamps, no personal values. */
const KEEP_ON_ERASURE = new Set([
  'id', 'organisation_id', 'owner_id', 'archived_at', 'erased_at', 'merged_into_id', 'last_interaction_at',
  'version', 'created_at', 'updated_at',
]);
export const ERASED_NAME = 'Erased';

/** Tables whose rows about the contact are kept as proof, pseudonymised (Art. 5(2), 7(1)). */
const PROOF_TABLES = new Set(['consents', 'objections', 'disclosure_items', 'webhook_deliveries', 'consent_expiry_notices']);
/** Link tables whose rows only say the contact took part in something: kept, the contact being anonymous now. */
const LINK_TABLES = /interaction|follow_up|event/;

@Injectable()
export class ComplianceService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly crypto: CryptoService,
    private readonly notifier: RecipientNotifier,
    private readonly idempotency: IdempotencyService,
  ) {}

  private async contactRow(m: EntityManager, id: string, lock = false): Promise<Record<string, unknown>> {
    const rows: Record<string, unknown>[] = await m.query(`SELECT * FROM contacts WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    if (!rows[0]) throw new NotFoundError('Contact', id);
    return rows[0];
  }

  /** GDPR Art. 15/20: everything held on the contact, machine-readable. Audited. */
  async export(contactId: string): Promise<ContactExportResponseDto> {
    return this.tx.run(async (m) => {
      const profile = toPlain(await this.contactRow(m, contactId));
      const out: ContactExportResponseDto = {
        format: 'rapport.contact-export.v1',
        exportedAt: new Date(),
        contactId,
        profile,
        affiliations: [],
        interactions: [],
        followUps: [],
        consents: [],
        objections: [],
        disclosures: [],
        other: {},
      };
      const interactionIds = new Set<string>();
      for (const ref of await contactReferences(m)) {
        const rows: Record<string, unknown>[] = await m.query(
          `SELECT * FROM ${quoteIdent(ref.table)} WHERE ${quoteIdent(ref.column)} = $1 LIMIT 50000`,
          [contactId],
        );
        if (rows.length === 0) continue;
        for (const r of rows) if (typeof r.interaction_id === 'string') interactionIds.add(r.interaction_id);
        if (ref.table === 'consents') {
          out.consents = await m.query(
            `SELECT c.*, p.key AS purpose, p.legal_basis AS purpose_legal_basis FROM consents c JOIN purposes p ON p.id = c.purpose_id
             WHERE c.contact_id = $1 ORDER BY c.created_at`,
            [contactId],
          ).then((rs: Record<string, unknown>[]) => rs.map(toPlain));
        } else if (ref.table === 'objections') {
          out.objections = await m.query(
            `SELECT o.*, p.key AS purpose FROM objections o JOIN purposes p ON p.id = o.purpose_id WHERE o.contact_id = $1 ORDER BY o.created_at`,
            [contactId],
          ).then((rs: Record<string, unknown>[]) => rs.map(toPlain));
        } else if (ref.table === 'disclosure_items') {
          out.disclosures = await m.query(
            `SELECT d.id AS disclosure_id, d.created_at AS disclosed_at, p.key AS purpose, r.id AS recipient_id, r.name AS recipient_name,
                    i.allowed, i.reason, i.legal_basis, i.consent_id, i.fields
               FROM disclosure_items i JOIN disclosures d ON d.id = i.disclosure_id
               JOIN purposes p ON p.id = d.purpose_id JOIN recipients r ON r.id = d.recipient_id
              WHERE i.contact_id = $1 ORDER BY d.created_at`,
            [contactId],
          ).then((rs: Record<string, unknown>[]) => rs.map(toPlain));
        } else if (/affiliation/.test(ref.table)) {
          out.affiliations.push(...rows.map(toPlain));
        } else if (/follow_up/.test(ref.table)) {
          out.followUps.push(...rows.map(toPlain));
        } else if (/^interaction/.test(ref.table) && ref.table !== 'interactions') {
          // link rows: the interactions themselves are added below
        } else {
          (out.other[ref.table] ??= []).push(...rows.map(toPlain));
        }
      }
      if (interactionIds.size > 0) {
        out.interactions = await m.query(`SELECT * FROM interactions WHERE id = ANY($1::uuid[]) ORDER BY occurred_at DESC`, [
          [...interactionIds],
        ]).then((rs: Record<string, unknown>[]) => rs.map(toPlain));
        const seen = new Set(out.followUps.map((f) => f.id));
        const viaInteractions: Record<string, unknown>[] = await m.query(
          `SELECT * FROM follow_ups WHERE interaction_id = ANY($1::uuid[]) ORDER BY due_at`,
          [[...interactionIds]],
        );
        out.followUps.push(...viaInteractions.filter((f) => !seen.has(f.id)).map(toPlain));
      }
      await this.audit.record({ action: 'export', entityType: 'contact', entityId: contactId, contactId, after: { format: out.format } });
      return out;
    });
  }

  /**
   * GDPR Art. 17. Personal fields are anonymised for good; consent, objection and disclosure records stay as
   * proof, pseudonymised (the contact id no longer leads to a person); the contact's data key is destroyed, so
   * personal values sealed in the audit trail are unreadable while the chain still verifies; every recipient
   * that received the contact's data is told (Art. 19). Afterwards every check answers contact_erased.
   */
  async erase(contactId: string): Promise<ErasureResponseDto> {
    return this.tx.run(async (m) => {
      const row = await this.contactRow(m, contactId, true);
      if (row.erased_at) {
        return { contactId, erasedAt: row.erased_at as Date, alreadyErased: true, recipientsNotified: 0 };
      }
      const columns: { column_name: string; is_nullable: string; column_default: string | null; data_type: string; is_generated: string }[] =
        await m.query(
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
        [contactId],
      );

      for (const ref of await contactReferences(m)) {
        const table = quoteIdent(ref.table);
        const col = quoteIdent(ref.column);
        if (PROOF_TABLES.has(ref.table)) continue;
        if (LINK_TABLES.test(ref.table)) continue;
        // Side tables holding the contact's own details (e-mails, affiliations, profiles…) go.
        await m.query(`DELETE FROM ${table} WHERE ${col} = $1`, [contactId]);
      }
      // What was said with this person alone is about them: the summary goes, the fact that a meeting took place stays.
      const solo = await queryRows<{ id: string }>(
        m,
        `UPDATE interactions i SET summary = '[erased]', updated_at = now(), version = version + 1
          WHERE i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = $1)
            AND NOT EXISTS (SELECT 1 FROM interaction_contacts o WHERE o.interaction_id = i.id AND o.contact_id <> $1)
          RETURNING i.id`,
        [contactId],
      );
      await m.query(`UPDATE follow_ups SET note = NULL, updated_at = now(), version = version + 1
                      WHERE note IS NOT NULL AND (contact_id = $1 OR interaction_id = ANY($2::uuid[]))`, [
        contactId,
        solo.map((r) => r.id),
      ]);
      // Evidence may name the person (IP address, form payload, signature): pseudonymise, keep the fact.
      await m.query(
        `UPDATE consents SET evidence = CASE WHEN evidence IS NULL THEN NULL ELSE jsonb_build_object('erased', true) END
          WHERE contact_id = $1`,
        [contactId],
      );
      // Stored idempotent answers may hold the contact's data.
      await this.idempotency.forgetAnswersAbout(m, contactId);

      const recipientsNotified = await this.notifier.notifyContactEvent({ type: 'contact.erased', contactId });
      await this.crypto.destroyContactKey(contactId, m);
      await this.audit.record({ action: 'erase', entityType: 'contact', entityId: contactId, after: { erased: true } });
      return { contactId, erasedAt: updated.erased_at, alreadyErased: false, recipientsNotified };
    });
  }

  async consentCoverage(purposeKey: string): Promise<ConsentCoverageResponseDto> {
    const m = this.tx.manager;
    const purposes: { id: string }[] = await m.query(`SELECT id FROM purposes WHERE key = $1`, [purposeKey]);
    if (!purposes[0]) throw new NotFoundError('Purpose', purposeKey);
    const [r]: { contacts: string; with_consent: string; expiring: string }[] = await m.query(
      `WITH live AS (
         SELECT contact_id, bool_or(expires_at IS NULL) AS open_ended, max(expires_at) AS last_expiry
           FROM consents
          WHERE purpose_id = $1 AND status = 'granted' AND (expires_at IS NULL OR expires_at > now())
          GROUP BY contact_id)
       SELECT count(*) AS contacts,
              count(l.contact_id) AS with_consent,
              count(l.contact_id) FILTER (WHERE NOT l.open_ended AND l.last_expiry <= now() + interval '30 days') AS expiring
         FROM contacts c LEFT JOIN live l ON l.contact_id = c.id
        WHERE c.archived_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL`,
      [purposes[0].id],
    );
    const contacts = Number(r.contacts);
    const withConsent = Number(r.with_consent);
    return { purpose: purposeKey, contacts, withConsent, withoutConsent: contacts - withConsent, expiringWithin30Days: Number(r.expiring) };
  }
}
