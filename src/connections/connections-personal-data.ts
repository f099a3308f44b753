import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { ConnectionsRepository } from './connections.repository.js';

/**
 * contact_connections.from_contact_id and .to_contact_id. Export: section `other.contact_connections` (the
 * person's connections, both directions, as stored). Erasure: deleted (who knows whom is the person's data).
 * Merge: set-based — a connection between the two contacts and a repeat of a pair the survivor already has
 * (same other contact and kind, either direction) are dropped, the rest repointed (ConnectionsRepository.moveTo).
 */
@Injectable()
@HoldsPersonalData()
export class ConnectionsPersonalData implements PersonalDataHolder {
  readonly holds = [
    { table: 'contact_connections', column: 'from_contact_id' },
    { table: 'contact_connections', column: 'to_contact_id' },
  ] as const;
  readonly erasureOrder = 15;

  constructor(private readonly connections: ConnectionsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.connections.rawRowsOfContact(m, contactId);
    return rows.length ? { other: { contact_connections: rows.map(toPlain) } } : {};
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.connections.deleteOfContact(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    const r = await this.connections.moveTo(m, survivorId, duplicateId);
    // One statement moves both columns; the counts are reported once, under the first.
    return { 'contact_connections.from_contact_id': r, 'contact_connections.to_contact_id': { moved: 0, dropped: 0 } };
  }
}
