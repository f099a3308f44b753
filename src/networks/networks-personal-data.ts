import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ContactExportPart, HoldsPersonalData, MovedRows, PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { NetworksRepository } from './networks.repository.js';

/**
 * network_memberships.member_contact_id (a contact as a member of a network). Export: section
 * `other.network_memberships` (the person's memberships as stored). Erasure: deleted (membership of an association
 * or club is the person's data). Merge: a membership of the duplicate in a network the survivor already belongs to
 * is dropped, the others move (set-based, NetworksRepository.moveMemberships).
 */
@Injectable()
@HoldsPersonalData()
export class NetworkMembershipsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'network_memberships', column: 'member_contact_id' }] as const;
  readonly erasureOrder = 15;

  constructor(private readonly networks: NetworksRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.networks.rawMembershipsOfContact(m, contactId);
    return rows.length ? { other: { network_memberships: rows.map(toPlain) } } : {};
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.networks.deleteMembershipsOfContact(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return { 'network_memberships.member_contact_id': await this.networks.moveMemberships(m, survivorId, duplicateId) };
  }
}
