import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ContactExportPart,
  HoldsPersonalData,
  MovedRows,
  PersonalDataHolder,
} from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { SuppressionsService } from '../suppressions/suppressions.service.js';
import { AffiliationsRepository } from './affiliations.repository.js';
import { ContactsRepository } from './contacts.repository.js';

/**
 * The contact row itself (and contacts.merged_into_id, the tombstones merged into it). Export: the row as the
 * profile. Erasure (first, order 0): every personal column anonymised in place (names become ERASED_NAME), the
 * row stays for its identity and structure; the tombstones are not touched (as before: the generic loop left
 * contacts itself out). Merge: the duplicate's tombstones now point at the survivor.
 */
@Injectable()
@HoldsPersonalData()
export class ContactsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'contacts', column: 'merged_into_id' }] as const;
  readonly erasureOrder = 0;

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly suppressions: SuppressionsService,
  ) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const row = await this.contacts.findRaw(m, contactId);
    return row ? { profile: toPlain(row) } : {};
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    // Issue 12: the addresses go on the suppression list (as keyed hashes) before they are anonymised for good.
    const current = await this.contacts.findById(m, contactId);
    await this.suppressions.suppress(m, (current?.emails ?? []).map((e) => e.address));
    await this.contacts.anonymise(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return {
      'contacts.merged_into_id': await moveContactReferences(m, 'contacts', 'merged_into_id', duplicateId, survivorId),
    };
  }
}

/**
 * contact_affiliations.contact_id. Export: section `affiliations` (rows as stored). Erasure: deleted (the contact's
 * own details). Merge: at most one primary affiliation (the survivor's wins), then repointed.
 */
@Injectable()
@HoldsPersonalData()
export class AffiliationsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'contact_affiliations', column: 'contact_id' }] as const;
  readonly erasureOrder = 10;

  constructor(private readonly affiliations: AffiliationsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.affiliations.rawRowsOfContact(m, contactId);
    return rows.length ? { affiliations: rows.map(toPlain) } : {};
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.affiliations.deleteOfContact(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    // Our own rule first: a contact has at most one primary affiliation.
    if (await this.affiliations.hasPrimary(m, survivorId)) await this.affiliations.unsetPrimary(m, duplicateId);
    return {
      'contact_affiliations.contact_id': await moveContactReferences(
        m,
        'contact_affiliations',
        'contact_id',
        duplicateId,
        survivorId,
      ),
    };
  }
}
