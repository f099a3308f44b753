import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldsPersonalData, type ContactExportPart, type MovedRows, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { moveContactReferences } from '../database/move-references.js';
import { SubjectRequestsRepository, toSubjectRequestResponse } from './subject-requests.repository.js';

/**
 * subject_requests.contact_id. Export: the person's own requests (other.subject_requests). Erasure: the request
 * stays — the controller must be able to show that and when it answered (Art. 5(2), 12(3)) — with its kind,
 * dates, status and answer, but its free text (note, channel) is cleared, as it may name the person. Merge moves
 * the requests to the survivor.
 */
@Injectable()
@HoldsPersonalData()
export class SubjectRequestsPersonalData implements PersonalDataHolder {
  readonly holds = [{ table: 'subject_requests', column: 'contact_id' }] as const;
  readonly erasureOrder = 60;

  constructor(private readonly repo: SubjectRequestsRepository) {}

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await this.repo.forContact(m, contactId);
    if (rows.length === 0) return {};
    const now = new Date();
    return { other: { subject_requests: rows.map((r) => ({ ...toSubjectRequestResponse(r, now) })) } };
  }

  async eraseFor(m: EntityManager, contactId: string): Promise<void> {
    await this.repo.eraseNotes(m, contactId);
  }

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows> {
    return { 'subject_requests.contact_id': await moveContactReferences(m, 'subject_requests', 'contact_id', duplicateId, survivorId) };
  }
}
