import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { actorIdOf, type Principal } from '../auth/role.js';
import { ConflictError, NotFoundError } from '../common/errors/domain.error.js';
import { afterCreated, Page, pageSize, toPage } from '../common/http/pagination.js';
import { ConsentGateService } from '../consent/consent-gate.service.js';
import { SqlWhere } from '../database/sql-where.js';
import { TransactionService } from '../database/transaction.service.js';
import { CONTACT_FIELDS, contactFieldValue } from '../purposes/contact-fields.js';
import { CreateDisclosureDto, DisclosureQueryDto, DisclosureResponseDto, DisclosureResultDto } from './dto/disclosure.dto.js';
import { disclosableFields } from './disclosable-fields.js';
import { SigningKeysService } from './signing-keys.service.js';

interface DisclosureRow {
  id: string;
  purpose_id: string;
  key: string;
  recipient_id: string;
  requested_fields: string[] | null;
  disclosed_fields: string[];
  actor_type: string;
  actor_id: string | null;
  contact_count: number;
  disclosed_count: number;
  receipt: string;
  created_at: Date;
  created_key?: string;
}

const toResponse = (r: DisclosureRow): DisclosureResponseDto => ({
  id: r.id,
  purpose: r.key,
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
    await m.query('SELECT 1 FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE', [contactIds]);
    const now = new Date();
    const decisions = await this.gate.decideMany(purpose, recipient.id, contactIds, now);
    const allowedIds = decisions.filter((d) => d.allowed).map((d) => d.contactId);

    const dataRows: { id: string; row: Record<string, unknown> }[] = allowedIds.length
      ? await m.query('SELECT c.id, to_jsonb(c) AS row FROM contacts c WHERE c.id = ANY($1::uuid[]) AND c.erased_at IS NULL', [allowedIds])
      : [];
    const dataById = new Map(dataRows.map((r) => [r.id, r.row]));

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

    await m.query(
      `INSERT INTO disclosures (id, purpose_id, recipient_id, requested_fields, disclosed_fields, actor_type, actor_id,
                                contact_count, disclosed_count, receipt, receipt_kid, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, purpose.id, recipient.id, dto.fields ?? null, fields, principal.kind, actorId, final.length, disclosedCount, jws, kid, now],
    );
    if (final.length) {
      await m.query(
        `INSERT INTO disclosure_items (disclosure_id, item_no, contact_id, requested_contact_id, allowed, reason, consent_id, legal_basis, fields)
         SELECT $1, t.ord, CASE WHEN t.reason = 'unknown_contact' THEN NULL ELSE t.cid END, t.cid, t.allowed, t.reason, t.consent_id,
                t.legal_basis, CASE WHEN t.allowed THEN $7::text[] ELSE '{}'::text[] END
         FROM unnest($2::uuid[], $3::boolean[], $4::text[], $5::uuid[], $6::text[]) WITH ORDINALITY AS t(cid, allowed, reason, consent_id, legal_basis, ord)`,
        [
          id,
          final.map((d) => d.contactId),
          final.map((d) => d.allowed),
          final.map((d) => d.reason),
          final.map((d) => d.consentId),
          final.map((d) => d.legalBasis),
          fields,
        ],
      );
    }
    // No personal data in the audit event: ids, decisions and field names only.
    await this.audit.record({
      action: 'disclose',
      entityType: 'disclosure',
      entityId: id,
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
    const w = new SqlWhere();
    const p = w.param;
    if (q.recipientId) w.add(`d.recipient_id = ${p(q.recipientId)}`);
    if (q.contactId) w.add(`EXISTS (SELECT 1 FROM disclosure_items i WHERE i.disclosure_id = d.id AND i.contact_id = ${p(q.contactId)})`);
    if (q.from) w.add(`d.created_at >= ${p(q.from)}::timestamptz`);
    if (q.to) w.add(`d.created_at < ${p(q.to)}::timestamptz`);
    w.add(afterCreated(q.cursor, 'd', 'desc', p));
    const rows: DisclosureRow[] = await this.tx.manager.query(
      `SELECT d.id, d.purpose_id, pu.key, d.recipient_id, d.requested_fields, d.disclosed_fields, d.actor_type, d.actor_id,
              d.contact_count, d.disclosed_count, d.receipt, d.created_at, d.created_at::text AS created_key
       FROM disclosures d JOIN purposes pu ON pu.id = d.purpose_id
       ${w.sql}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ${p(limit + 1)}`,
      w.params,
    );
    // Keyset on the exact (microsecond) creation time, carried as text: a JS Date would truncate it.
    return toPage(rows, limit, toResponse, (r) => [r.created_key ?? '', r.id]);
  }

  async findOne(id: string): Promise<DisclosureResponseDto> {
    const rows: DisclosureRow[] = await this.tx.manager.query(
      `SELECT d.id, d.purpose_id, pu.key, d.recipient_id, d.requested_fields, d.disclosed_fields, d.actor_type, d.actor_id,
              d.contact_count, d.disclosed_count, d.receipt, d.created_at
       FROM disclosures d JOIN purposes pu ON pu.id = d.purpose_id WHERE d.id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Disclosure', id);
    const items: { requested_contact_id: string; allowed: boolean; reason: string; legal_basis: string | null; consent_id: string | null; fields: string[] }[] =
      await this.tx.manager.query(
        'SELECT requested_contact_id, allowed, reason, legal_basis, consent_id, fields FROM disclosure_items WHERE disclosure_id = $1 ORDER BY item_no',
        [id],
      );
    return {
      ...toResponse(rows[0]),
      decisions: items.map((i) => ({ contactId: i.requested_contact_id, allowed: i.allowed, reason: i.reason, legalBasis: i.legal_basis, consentId: i.consent_id, fields: i.fields })),
    };
  }
}
