import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldsPersonalData, type MovedRows, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { CryptoService } from './crypto.service.js';

/**
 * contact_keys.contact_id: the contact's data key. Never exported (it is a secret, not data about the person).
 * Erasure destroys it, last of all holders: every value sealed under it (audit trail) becomes unreadable for good.
 * A merge leaves it with the duplicate: the duplicate's sealed audit values stay readable under its own key.
 */
@Injectable()
@HoldsPersonalData()
export class ContactKeysPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'contact_keys', column: 'contact_id' }];
  readonly erasureOrder = 1000;

  constructor(private readonly crypto: CryptoService) {}

  exportFor(): Promise<Record<string, never>> {
    return Promise.resolve({});
  }

  eraseFor(m: EntityManager, contactId: string): Promise<void> {
    return this.crypto.destroyContactKey(contactId, m);
  }

  moveTo(): Promise<MovedRows> {
    return Promise.resolve({});
  }
}
