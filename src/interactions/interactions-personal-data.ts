import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { exportedInteractionIds } from '../follow-ups/index.js';
import { InteractionsRepository } from './interactions.repository.js';

/**
 * interaction_contacts.contact_id. Export: the interactions the contact took part in (and those the contact's
 * follow-ups and consents name), newest first, with the staff who took part; an interaction another contact took
 * part in too shows the person's participation but not its summary or review note (GDPR Art. 15(4)). Erasure: the links stay
 * (the meeting took place, the contact is anonymous now); the summary of an interaction with this contact alone
 * becomes '[erased]'. Merge: the links are repointed, a link the survivor already has is dropped.
 */
@Injectable()
@HoldsPersonalData()
export class InteractionsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'interaction_contacts', column: 'contact_id' }] as const;
  /** Before the follow-ups' notes (FollowUpsPersonalData, 30). */
  readonly erasureOrder = 20;

  constructor(private readonly interactions: InteractionsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const ids = await exportedInteractionIds(m, contactId);
    if (ids.length === 0) return { interactions: [] };
    const rows = await this.interactions.exportRows(m, ids, contactId);
    return {
      interactions: rows.map(({ shared_with_others: shared, ...row }) =>
        // Art. 15(4): what was said in a meeting with other people is about them too; the person sees their own
        // participation (when, what kind, which staff, which event), not the summary or the review note.
        shared ? toPlain({ ...row, summary: null, review_note: null, summary_withheld: 'shared_with_other_contacts' }) : toPlain(row),
      ),
    };
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.interactions.eraseSoloSummaries(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return {
      'interaction_contacts.contact_id': await moveContactReferences(m, 'interaction_contacts', 'contact_id', duplicateId, survivorId),
    };
  }
}
