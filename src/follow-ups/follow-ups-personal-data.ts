import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { exportedInteractionIds, soloInteractionIds } from './follow-ups.query.js';

/**
 * follow_ups.contact_id. Export: the contact's follow-ups, then those of the contact's interactions not yet listed
 * (by due date); of an interaction shared with other contacts, without its note (`noteWithheld`), as its summary. Erasure: the rows stay (they only say that something was to be done), their notes go, for the
 * contact's follow-ups and for those of the interactions with this contact alone. Merge: repointed.
 */
@Injectable()
@HoldsPersonalData()
export class FollowUpsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'follow_ups', column: 'contact_id' }] as const;
  /** After the interactions' summaries (InteractionsPersonalData, 20). */
  readonly erasureOrder = 30;

  constructor(private readonly followUps: FollowUpsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const own = await this.followUps.rawRowsOfContact(m, contactId);
    const followUps = own.map(toPlain);
    const interactionIds = await exportedInteractionIds(m, contactId);
    if (interactionIds.length > 0) {
      const seen = new Set(followUps.map((f) => f.id));
      const solo = new Set(await soloInteractionIds(m, contactId));
      const viaInteractions = await this.followUps.rawRowsOfInteractions(m, interactionIds);
      for (const row of viaInteractions.filter((f) => !seen.has(f.id))) {
        // Art. 15(4): the note of a follow-up of an interaction shared with other people may be about them.
        const shared = typeof row.interaction_id === 'string' && !solo.has(row.interaction_id);
        followUps.push(shared ? { ...toPlain({ ...row, note: null }), noteWithheld: 'shared_with_other_contacts' } : toPlain(row));
      }
    }
    return { followUps };
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.followUps.clearNotes(m, contactId, await soloInteractionIds(m, contactId));
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return { 'follow_ups.contact_id': await moveContactReferences(m, 'follow_ups', 'contact_id', duplicateId, survivorId) };
  }
}
