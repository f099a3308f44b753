import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { HoldsPersonalData, type ContactExportPart, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { queryRows, SqlWhere } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { RecipientsRepository } from '../recipients/recipients.repository.js';
import { DisclosedRecipients, type DisclosedTo } from '../webhooks/recipient-notifier.service.js';

export interface DisclosureRow {
  id: string;
  purpose_id: string;
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

export interface DisclosureItemRow {
  requested_contact_id: string;
  allowed: boolean;
  reason: string;
  legal_basis: string | null;
  consent_id: string | null;
  fields: string[];
}

export interface NewDisclosure {
  id: string;
  purposeId: string;
  recipientId: string;
  requestedFields: string[] | null;
  fields: string[];
  actorType: string;
  actorId: string | null;
  contactCount: number;
  disclosedCount: number;
  receipt: string;
  receiptKid: string;
  createdAt: Date;
}

export interface NewDisclosureItem {
  contactId: string;
  allowed: boolean;
  reason: string;
  consentId: string | null;
  legalBasis: string | null;
}

export interface DisclosureFilter {
  recipientId?: string;
  contactId?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

const COLUMNS = `d.id, d.purpose_id, d.recipient_id, d.requested_fields, d.disclosed_fields, d.actor_type, d.actor_id,
              d.contact_count, d.disclosed_count, d.receipt, d.created_at`;

/**
 * The disclosures and disclosure_items tables (the signed record of who received which fields of whom). Items name
 * the contact: export lists them (section `disclosures`), erasure keeps them as proof, merge moves them. Also tells
 * webhooks who was disclosed a contact's data (DisclosedRecipients).
 */
@Injectable()
@HoldsPersonalData()
export class DisclosuresRepository implements PersonalDataHolder, DisclosedRecipients {
  readonly holds = [{ table: 'disclosure_items', column: 'contact_id' }];
  readonly erasureOrder = 100;

  constructor(
    private readonly tx: TransactionService,
    private readonly purposes: PurposesRepository,
    private readonly recipients: RecipientsRepository,
  ) {}

  async insert(m: EntityManager, d: NewDisclosure): Promise<void> {
    await m.query(
      `INSERT INTO disclosures (id, purpose_id, recipient_id, requested_fields, disclosed_fields, actor_type, actor_id,
                                contact_count, disclosed_count, receipt, receipt_kid, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [d.id, d.purposeId, d.recipientId, d.requestedFields, d.fields, d.actorType, d.actorId, d.contactCount, d.disclosedCount, d.receipt, d.receiptKid, d.createdAt],
    );
  }

  /** Every per-contact decision, numbered in the order given; an unknown contact keeps only the requested id. */
  async insertItems(m: EntityManager, disclosureId: string, items: NewDisclosureItem[], fields: string[]): Promise<void> {
    if (items.length === 0) return;
    await m.query(
      `INSERT INTO disclosure_items (disclosure_id, item_no, contact_id, requested_contact_id, allowed, reason, consent_id, legal_basis, fields)
       SELECT $1, t.ord, CASE WHEN t.reason = 'unknown_contact' THEN NULL ELSE t.cid END, t.cid, t.allowed, t.reason, t.consent_id,
              t.legal_basis, CASE WHEN t.allowed THEN $7::text[] ELSE '{}'::text[] END
       FROM unnest($2::uuid[], $3::boolean[], $4::text[], $5::uuid[], $6::text[]) WITH ORDINALITY AS t(cid, allowed, reason, consent_id, legal_basis, ord)`,
      [
        disclosureId,
        items.map((d) => d.contactId),
        items.map((d) => d.allowed),
        items.map((d) => d.reason),
        items.map((d) => d.consentId),
        items.map((d) => d.legalBasis),
        fields,
      ],
    );
  }

  /** Newest first, `limit + 1` rows. */
  page(f: DisclosureFilter, limit: number): Promise<DisclosureRow[]> {
    const w = new SqlWhere();
    const p = w.param;
    if (f.recipientId) w.add(`d.recipient_id = ${p(f.recipientId)}`);
    if (f.contactId) w.add(`EXISTS (SELECT 1 FROM disclosure_items i WHERE i.disclosure_id = d.id AND i.contact_id = ${p(f.contactId)})`);
    if (f.from) w.add(`d.created_at >= ${p(f.from)}::timestamptz`);
    if (f.to) w.add(`d.created_at < ${p(f.to)}::timestamptz`);
    w.add(afterCreated(f.cursor, 'd', 'desc', p));
    return queryRows<DisclosureRow>(
      this.tx.manager,
      `SELECT ${COLUMNS}, d.created_at::text AS created_key
       FROM disclosures d
       ${w.sql}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ${p(limit + 1)}`,
      w.params,
    );
  }

  async findById(id: string): Promise<DisclosureRow | undefined> {
    const [row] = await queryRows<DisclosureRow>(this.tx.manager, `SELECT ${COLUMNS} FROM disclosures d WHERE d.id = $1`, [id]);
    return row;
  }

  items(id: string): Promise<DisclosureItemRow[]> {
    return queryRows<DisclosureItemRow>(
      this.tx.manager,
      'SELECT requested_contact_id, allowed, reason, legal_basis, consent_id, fields FROM disclosure_items WHERE disclosure_id = $1 ORDER BY item_no',
      [id],
    );
  }

  // --- DisclosedRecipients (webhooks) ---

  async recipientsOf(m: EntityManager, contactId: string, purposeKey: string | null): Promise<string[]> {
    let purposeId: string | null = null;
    if (purposeKey !== null) {
      const id = await this.purposes.idByKey(m, purposeKey);
      if (id === undefined) return [];
      purposeId = id;
    }
    const rows = await queryRows<{ recipient_id: string }>(
      m,
      `SELECT DISTINCT d.recipient_id
         FROM disclosure_items di
         JOIN disclosures d ON d.id = di.disclosure_id
        WHERE di.contact_id = $1::uuid
          AND di.allowed
          AND ($2::uuid IS NULL OR d.purpose_id = $2::uuid)`,
      [contactId, purposeId],
    );
    return rows.map((r) => r.recipient_id);
  }

  /**
   * Rectification (Art. 16/19, issue 12): distinct recipients that received at least one of these fields of the
   * contact (allowed items whose disclosed `fields` overlap them), under any purpose.
   */
  async recipientsOfFields(m: EntityManager, contactId: string, fields: string[]): Promise<string[]> {
    if (fields.length === 0) return [];
    const rows = await queryRows<{ recipient_id: string }>(
      m,
      `SELECT DISTINCT d.recipient_id
         FROM disclosure_items di
         JOIN disclosures d ON d.id = di.disclosure_id
        WHERE di.contact_id = $1::uuid AND di.allowed AND di.fields && $2::text[]`,
      [contactId, fields],
    );
    return rows.map((r) => r.recipient_id);
  }

  async disclosedUnder(m: EntityManager, pairs: { contactId: string; purposeId: string }[]): Promise<DisclosedTo[]> {
    if (pairs.length === 0) return [];
    const rows = await queryRows<{ contact_id: string; purpose_id: string; recipient_id: string }>(
      m,
      `SELECT DISTINCT di.contact_id, d.purpose_id, d.recipient_id
         FROM unnest($1::uuid[], $2::uuid[]) AS q(contact_id, purpose_id)
         JOIN disclosure_items di ON di.contact_id = q.contact_id AND di.allowed
         JOIN disclosures d ON d.id = di.disclosure_id AND d.purpose_id = q.purpose_id`,
      [pairs.map((p) => p.contactId), pairs.map((p) => p.purposeId)],
    );
    return rows.map((r) => ({ contactId: r.contact_id, purposeId: r.purpose_id, recipientId: r.recipient_id }));
  }

  // --- PersonalDataHolder ---

  /** Section `disclosures`: each decision about the contact, with the purpose's key and the recipient's name. */
  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await queryRows<{
      disclosure_id: string;
      disclosed_at: Date;
      purpose_id: string;
      recipient_id: string;
      allowed: boolean;
      reason: string;
      legal_basis: string | null;
      consent_id: string | null;
      fields: string[];
    }>(
      m,
      `SELECT d.id AS disclosure_id, d.created_at AS disclosed_at, d.purpose_id, d.recipient_id,
              i.allowed, i.reason, i.legal_basis, i.consent_id, i.fields
         FROM disclosure_items i JOIN disclosures d ON d.id = i.disclosure_id
        WHERE i.contact_id = $1 ORDER BY d.created_at`,
      [contactId],
    );
    if (rows.length === 0) return {};
    const keys = await this.purposes.keysOf(m, [...new Set(rows.map((r) => r.purpose_id))]);
    const names = await this.recipients.namesOf(m, [...new Set(rows.map((r) => r.recipient_id))]);
    return {
      disclosures: rows.map((r) =>
        toPlain({
          disclosure_id: r.disclosure_id,
          disclosed_at: r.disclosed_at,
          purpose: keys.get(r.purpose_id),
          recipient_id: r.recipient_id,
          recipient_name: names.get(r.recipient_id),
          allowed: r.allowed,
          reason: r.reason,
          legal_basis: r.legal_basis,
          consent_id: r.consent_id,
          fields: r.fields,
        }),
      ),
    };
  }

  /** Kept as proof (Art. 5(2)): the items name the contact by id only, and the contact row is anonymised. */
  async eraseFor(): Promise<void> {}

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string) {
    return { 'disclosure_items.contact_id': await moveContactReferences(m, 'disclosure_items', 'contact_id', duplicateId, survivorId) };
  }
}
