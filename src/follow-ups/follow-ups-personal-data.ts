import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { exportedInteractionIds, soloInteractionIds } from './follow-ups.query.js';

/**
 * follow_ups.contact_id. Export: the contact's follow-ups, then those of the contact's interactions not yet listed
 * (by due date). Erasure: the rows stay (they only say that something was to be done), their notes go, for the
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
      const viaInteractions = await this.followUps.rawRowsOfInteractions(m, interactionIds);
      followUps.push(...viaInteractions.filter((f) => !seen.has(f.id)).map(toPlain));
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
