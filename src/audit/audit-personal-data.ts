import { Injectable } from '@nestjs/common';
import { HoldsPersonalData, type MovedRows, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';

/**
 * audit_events.contact_id: the trail is append-only and hash-chained, so nothing in it is exported, deleted or
 * moved. A contact's personal values in it are sealed under the contact's data key (see the crypto holder):
 * erasure destroys that key and they become unreadable while the chain still verifies. A merge leaves the
 * duplicate's events under the duplicate's id (they tell the story of that record, including `merged_into`).
 * `subject_contact_ids` (the other contacts an event is about) holds ids only, never values: it stays as written.
 */
@Injectable()
@HoldsPersonalData()
export class AuditPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'audit_events', column: 'contact_id' }];
  readonly erasureOrder = 900;

  exportFor(): Promise<Record<string, never>> {
    return Promise.resolve({});
  }

  eraseFor(): Promise<void> {
    return Promise.resolve();
  }

  moveTo(): Promise<MovedRows> {
    return Promise.resolve({});
  }
}
