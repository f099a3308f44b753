import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldsPersonalData, type ContactExportPart, type MovedRows, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { LegalBasesRepository } from './legal-bases.repository.js';

/**
 * legal_bases.contact_id. Export: section `bases` (every basis, ended ones included, with the purpose's key and legal
 * basis). Erasure keeps the rows as proof that processing rested on a basis (Art. 5(2) accountability), like
 * consents, but pseudonymised: the free-text reference (a contract number, a case file) may identify the person,
 * so it becomes `[erased]`; live bases end. Merge moves them to the survivor.
 */
@Injectable()
@HoldsPersonalData()
export class LegalBasesPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'legal_bases', column: 'contact_id' }] as const;
  readonly erasureOrder = 50;

  constructor(
    private readonly bases: LegalBasesRepository,
    private readonly purposes: PurposesRepository,
  ) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.bases.allOf(m, contactId);
    if (rows.length === 0) return {};
    const purposes = await this.purposes.basicsOf(m, [...new Set(rows.map((r) => r.purpose_id))]);
    const bases = rows.map(({ k: _k, ...r }) =>
      toPlain({ ...r, purpose: purposes.get(r.purpose_id)?.key, purpose_legal_basis: purposes.get(r.purpose_id)?.legal_basis }),
    );
    return { bases };
  }

  eraseFor(m: EntityManager, contactId: string): Promise<void> {
    return this.bases.pseudonymise(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return { 'legal_bases.contact_id': await moveContactReferences(m, 'legal_bases', 'contact_id', duplicateId, survivorId) };
  }
}
