import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { EventsRepository } from './events.repository.js';

/**
 * event_attendees.contact_id: who attended which event is personal data of the attendee.
 * Export: section `other.event_attendees` (event, note, when and by whom recorded). Erasure: the rows are deleted
 * (nothing about them is kept as proof; the event's follow-through then no longer counts the person). Merge: the
 * duplicate's attendances move to the survivor; an event both attended keeps the survivor's row (primary key
 * (event_id, contact_id)).
 */
@Injectable()
@HoldsPersonalData()
export class EventAttendeesPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'event_attendees', column: 'contact_id' }] as const;
  readonly erasureOrder = 40;

  constructor(private readonly events: EventsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.events.attendancesOf(m, contactId);
    if (rows.length === 0) return {};
    return { other: { event_attendees: rows.map(toPlain) } };
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.events.deleteAttendancesOf(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return { 'event_attendees.contact_id': await moveContactReferences(m, 'event_attendees', 'contact_id', duplicateId, survivorId) };
  }
}
