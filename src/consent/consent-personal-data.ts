import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldsPersonalData, type ContactExportPart, type MovedRows, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { queryRows } from '../database/sql.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';

/**
 * What consent/ holds about a contact: consents, objections and the consent-expiry notices. Export: sections
 * `consents` and `objections` (with the purpose's key), the notices under `other`. Erasure keeps all three as proof
 * (Art. 7(1), 21), with the consents' evidence pseudonymised (it may name the person: IP address, form payload,
 * signature). Merge moves them to the survivor.
 */
@Injectable()
@HoldsPersonalData()
export class ConsentPersonalData implements PersonalDataHolder {
  readonly holds = [
    { table: 'consents', column: 'contact_id' },
    { table: 'objections', column: 'contact_id' },
    { table: 'consent_expiry_notices', column: 'contact_id' },
  ];
  readonly erasureOrder = 50;

  constructor(private readonly purposes: PurposesRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const out: ContactExportPart = {};
    const consents = await queryRows<Record<string, unknown> & { purpose_id: string }>(
      m,
      'SELECT c.* FROM consents c WHERE c.contact_id = $1 ORDER BY c.created_at',
      [contactId],
    );
    const objections = await queryRows<Record<string, unknown> & { purpose_id: string }>(
      m,
      'SELECT o.* FROM objections o WHERE o.contact_id = $1 ORDER BY o.created_at',
      [contactId],
    );
    const purposes = await this.purposes.basicsOf(m, [...new Set([...consents, ...objections].map((r) => r.purpose_id))]);
    if (consents.length) {
      out.consents = consents.map((c) =>
        toPlain({ ...c, purpose: purposes.get(c.purpose_id)?.key, purpose_legal_basis: purposes.get(c.purpose_id)?.legal_basis }),
      );
    }
    if (objections.length) out.objections = objections.map((o) => toPlain({ ...o, purpose: purposes.get(o.purpose_id)?.key }));
    const notices = await queryRows<Record<string, unknown>>(m, 'SELECT * FROM consent_expiry_notices WHERE contact_id = $1 ORDER BY noticed_at, consent_id', [contactId]);
    if (notices.length) out.other = { consent_expiry_notices: notices.map(toPlain) };
    return out;
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await m.query(
      `UPDATE consents SET evidence = CASE WHEN evidence IS NULL THEN NULL ELSE jsonb_build_object('erased', true) END
        WHERE contact_id = $1`,
      [contactId],
    );
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    const moved: MovedRows = {};
    for (const { table, column } of this.holds) {
      moved[`${table}.${column}`] = await moveContactReferences(m, table, column, duplicateId, survivorId);
    }
    return moved;
  }
}
