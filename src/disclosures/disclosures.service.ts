import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, NotFoundError } from '../common/errors/domain.error.js';
import { Page, pageSize, toPage } from '../common/http/pagination.js';
import { ConsentGateService } from '../consent/consent-gate.service.js';
import { CONTACT_FIELDS, contactFieldValue, ContactsRepository } from '../contacts/contacts.repository.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { CreateDisclosureDto, DisclosureQueryDto, DisclosureResponseDto, DisclosureResultDto } from './dto/disclosure.dto.js';
import { disclosableFields } from './disclosable-fields.js';
import { DisclosureRow, DisclosuresRepository } from './disclosures.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

const toResponse = (r: DisclosureRow, key: string): DisclosureResponseDto => ({
  id: r.id,
  purpose: key,
  purposeId: r.purpose_id,
  recipientId: r.recipient_id,
  requestedFields: r.requested_fields,
  fields: r.disclosed_fields,
  actorType: r.actor_type,
  actorId: r.actor_id,
  contactCount: r.contact_count,
  disclosedCount: r.disclosed_count,
  receipt: r.receipt,
  createdAt: r.created_at,
});

@Injectable()
export class DisclosuresService {
  constructor(
    private readonly tx: TransactionService,
    private readonly disclosures: DisclosuresRepository,
    private readonly contacts: ContactsRepository,
    private readonly purposes: PurposesRepository,
    private readonly gate: ConsentGateService,
    private readonly signing: SigningKeysService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Decides for every contact, records the disclosure, every per-contact decision and the audit event in
   * the request's transaction, and only then hands out data: when the record cannot be written the
   * request fails and nothing is disclosed.
   */
  async disclose(dto: CreateDisclosureDto, principal: Principal): Promise<DisclosureResultDto> {
    const { purpose, recipient } = await this.gate.resolve(principal, dto.purpose, dto.recipientId);
    if (purpose.retired) throw new ConflictError('PURPOSE_RETIRED', `Purpose ${purpose.key} is retired`);
    if (recipient.retired) throw new ConflictError('RECIPIENT_RETIRED', `Recipient ${recipient.id} is retired`);
    const m = this.tx.manager;
    const fields = disclosableFields(purpose.dataCategories, dto.fields);
    const contactIds = Array.from(new Set(dto.contactIds.map((id) => id.toLowerCase())));
    // Lock the contacts first (FOR SHARE, in id order), then decide: a withdrawal, objection or erasure either
    // committed before (and is seen by the decision) or waits for this disclosure to commit (and its Art. 19
    // notification then sees it). Shared locks do not block other disclosures or checks.
    await this.contacts.lockForDisclosure(m, contactIds);
    const now = new Date();
    const decisions = await this.gate.decideMany(purpose, recipient.id, contactIds, now);
    const allowedIds = decisions.filter((d) => d.allowed).map((d) => d.contactId);

    const dataById = allowedIds.length ? await this.contacts.rowsForDisclosure(m, allowedIds) : new Map<string, Record<string, unknown>>();

    const id = randomUUID();
    const actorId = actorIdOf(principal);
    // The final decision per contact: an allowed contact whose row vanished (erased meanwhile) is withheld.
    const final = decisions.map((d) => {
      const ok = d.allowed && dataById.has(d.contactId);
      return {
        contactId: d.contactId,
        allowed: ok,
        reason: d.allowed && !ok ? 'contact_erased' : d.reason,
        legalBasis: ok ? d.legalBasis : null,
        consentId: ok ? d.consentId : null,
      };
    });
    // The signed record: who received which fields of which contacts, on which basis — never the data itself.
    const record = {
      iss: 'rapport',
      jti: id,
      id,
      disclosureId: id,
      iat: Math.floor(now.getTime() / 1000),
      createdAt: now.toISOString(),
      purpose: purpose.key,
      purposeId: purpose.id,
      purposeLegalBasis: purpose.legalBasis,
      recipientId: recipient.id,
      actor: { type: principal.kind, id: actorId, role: principal.role },
      requestedFields: dto.fields ?? null,
      fields,
      disclosed: final.filter((d) => d.allowed).map((d) => ({ contactId: d.contactId, reason: d.reason, legalBasis: d.legalBasis, consentId: d.consentId })),
      withheld: final.filter((d) => !d.allowed).map((d) => ({ contactId: d.contactId, reason: d.reason })),
    };
    const { jws, kid } = await this.signing.signCompact(record);
    const disclosedCount = final.filter((d) => d.allowed).length;

    await this.disclosures.insert(m, {
      id,
      purposeId: purpose.id,
      recipientId: recipient.id,
      requestedFields: dto.fields ?? null,
      fields,
      actorType: principal.kind,
      actorId,
      contactCount: final.length,
      disclosedCount,
      receipt: jws,
      receiptKid: kid,
      createdAt: now,
    });
    await this.disclosures.insertItems(m, id, final, fields);
    // No personal data in the audit event: ids, decisions and field names only.
    await this.audit.record({
      action: 'disclose',
      entityType: 'disclosure',
      entityId: id,
      subjects: final.map((d) => d.contactId),
      after: {
        purpose: purpose.key,
        recipientId: recipient.id,
        fields,
        contactCount: final.length,
        disclosedCount,
        decisions: final.map((d) => ({ contactId: d.contactId, allowed: d.allowed, reason: d.reason })),
      },
    });

    const disclosed: DisclosureResultDto['disclosed'] = [];
    const withheld: DisclosureResultDto['withheld'] = [];
    for (const d of final) {
      if (d.allowed) {
        const row = dataById.get(d.contactId)!;
        const data: Record<string, unknown> = {};
        for (const f of fields) {
          const column = CONTACT_FIELDS[f];
          if (column && column in row) data[f] = contactFieldValue(f, row[column]);
        }
        disclosed.push({ contactId: d.contactId, data });
      } else withheld.push({ contactId: d.contactId, reason: d.reason });
    }
    return { id, purpose: purpose.key, recipientId: recipient.id, fields, createdAt: now, disclosed, withheld, receipt: jws };
  }

  async list(q: DisclosureQueryDto): Promise<Page<DisclosureResponseDto>> {
    const limit = pageSize(q);
    const rows = await this.disclosures.page(q, limit);
    const keys = await this.purposes.keysOf(this.tx.manager, [...new Set(rows.map((r) => r.purpose_id))]);
    // Keyset on the exact (microsecond) creation time, carried as text: a JS Date would truncate it.
    return toPage(rows, limit, (r) => toResponse(r, keys.get(r.purpose_id)!), (r) => [r.created_key ?? '', r.id]);
  }

  async findOne(id: string): Promise<DisclosureResponseDto> {
    const row = await this.disclosures.findById(id);
    if (!row) throw new NotFoundError('Disclosure', id);
    const key = await this.purposes.keyOf(row.purpose_id);
    const items = await this.disclosures.items(id);
    return {
      ...toResponse(row, key),
      decisions: items.map((i) => ({ contactId: i.requested_contact_id, allowed: i.allowed, reason: i.reason, legalBasis: i.legal_basis, consentId: i.consent_id, fields: i.fields })),
    };
  }
}
