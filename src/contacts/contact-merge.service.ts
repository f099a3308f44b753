import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, ValidationFailedError } from '../common/errors/domain.error.js';
import { decodeCursor, encodeCursor, PageQueryDto, pageSize } from '../common/http/pagination.js';
import { MovedRows, PersonalDataHolders } from '../common/personal-data/personal-data-holder.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { toContactResponse } from './contact.mapper.js';
import { CONTACT_FIELDS, unionBy } from './contact-fields.js';
import { ContactsRepository } from './contacts.repository.js';
import { ContactsService } from './contacts.service.js';
import {
  ContactDuplicatesResponseDto,
  ContactResponseDto,
  DuplicatePairPageDto,
} from './dto/contact.response.dto.js';

/** Trigram similarity two names at the same organisation need to count as possible duplicates. */
export const NAME_DUPLICATE_THRESHOLD = 0.6;

/** Fields filled on the survivor from the duplicate when the survivor's are empty. */
const FILL: (keyof ContactResponseDto)[] = ['organisationId', 'jobTitle', 'ownerId', 'notes', 'preferredLanguage'];

@Injectable()
export class ContactMergeService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly contacts: ContactsService,
    private readonly notifier: RecipientNotifier,
    private readonly repo: ContactsRepository,
    private readonly holders: PersonalDataHolders,
  ) {}

  /** Possible duplicates of one contact: the same normalised e-mail, or a similar name at the same organisation. */
  async duplicatesOf(id: string): Promise<ContactDuplicatesResponseDto> {
    const c = await this.contacts.load(id);
    const rows = await this.repo.duplicatesOf(
      this.tx.manager,
      {
        id,
        emails: (c.emails ?? []).map((e) => e.address.toLowerCase()),
        name: `${c.given_name} ${c.family_name}`.toLowerCase(),
        organisationId: c.organisation_id,
      },
      NAME_DUPLICATE_THRESHOLD,
    );
    const items = rows.map((r) => {
      const reasons: string[] = [];
      if (r.same_email) reasons.push('same_email');
      if (
        c.organisation_id &&
        r.organisation_id === c.organisation_id &&
        Number(r.name_score) >= NAME_DUPLICATE_THRESHOLD
      ) {
        reasons.push('similar_name_same_organisation');
      }
      const score = r.same_email ? 1 : Number(r.name_score);
      return { contact: toContactResponse(r), score, reason: reasons[0], reasons };
    });
    return { items, nextCursor: null };
  }

  /** Every likely duplicate pair in the workspace, strongest first within a stable order of pairs. */
  async allDuplicates(q: PageQueryDto): Promise<DuplicatePairPageDto> {
    const limit = pageSize(q);
    const after = decodeCursor<[string, string]>(q.cursor, 2);
    const rows = await this.repo.duplicatePairs(this.tx.manager, after, NAME_DUPLICATE_THRESHOLD, limit);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      items: page.map((r) => ({
        contact: { id: r.a_id, givenName: r.a_given, familyName: r.a_family, organisationId: r.a_org },
        duplicate: { id: r.b_id, givenName: r.b_given, familyName: r.b_family, organisationId: r.b_org },
        score: r.same_email ? 1 : Number(r.name_score),
        reason: r.same_email ? 'same_email' : 'similar_name_same_organisation',
      })),
      nextCursor: more ? encodeCursor([page[page.length - 1].a_id, page[page.length - 1].b_id]) : null,
    };
  }

  /**
   * Keeps `survivorId`; moves everything that points at the duplicate onto it (every registered
   * PersonalDataHolder moves its own rows), fills its empty fields from the duplicate, unites e-mails, phones and tags, and
   * leaves the duplicate as a tombstone (`merged_into_id`). One transaction: all of it or nothing.
   */
  async merge(survivorId: string, duplicateId: string): Promise<ContactResponseDto> {
    if (survivorId === duplicateId) {
      throw new ValidationFailedError('A contact cannot be merged into itself', [
        { field: 'duplicateId', message: 'must differ from the contact id' },
      ]);
    }
    return this.tx.run(async (m) => {
      // Lock both in a fixed order so two merges of the same pair cannot deadlock.
      await this.repo.lockForMerge(m, [survivorId, duplicateId]);
      const survivor = await this.contacts.load(survivorId, true);
      const duplicate = await this.contacts.load(duplicateId, true).catch((e: unknown) => {
        if (e instanceof Error && 'status' in e && (e as { status: number }).status === 404) {
          throw new ValidationFailedError(`duplicateId ${duplicateId} is not a contact`, [
            { field: 'duplicateId', message: 'no such contact' },
          ]);
        }
        throw e;
      });
      if (survivor.erased_at || duplicate.erased_at) {
        throw new ConflictError('CONTACT_ERASED', 'An erased contact cannot take part in a merge');
      }

      // Every feature that holds a contact's data moves its rows onto the survivor (PersonalDataHolder.moveTo: the
      // tombstones merged into the duplicate and its affiliations here, consents, interactions, … in their owners).
      const moved: MovedRows = {};
      for (const holder of this.holders.all()) Object.assign(moved, await holder.moveTo(m, survivorId, duplicateId));

      const before = toContactResponse(survivor);
      const dup = toContactResponse(duplicate);
      const fill: [string, unknown][] = [];
      for (const prop of FILL) {
        if ((before[prop] === null || before[prop] === '') && dup[prop] !== null && dup[prop] !== '') {
          fill.push([CONTACT_FIELDS[prop], dup[prop]]);
        }
      }
      // Key dates: the survivor's, then the duplicate's that it lacks (same kind and date); the tombstone keeps none.
      if (dup.keyDates.length) {
        const keyDates = unionBy(before.keyDates, dup.keyDates, (k) => `${k.kind}|${k.date}`);
        if (keyDates.length > before.keyDates.length) fill.push([CONTACT_FIELDS.keyDates, JSON.stringify(keyDates)]);
      }
      const updated = await this.repo.applyMerge(m, survivorId, {
        fill,
        emails: unionBy(before.emails, dup.emails, (e) => e.address.toLowerCase()),
        phones: unionBy(before.phones, dup.phones, (p) => p.number),
        tags: unionBy(before.tags, dup.tags, (t) => t),
        duplicateSocialProfiles: duplicate.social_profiles ?? {},
        duplicateLastInteractionAt: duplicate.last_interaction_at,
      });
      // The tombstone keeps no contact details of its own: they now live on the survivor.
      await this.repo.makeTombstone(m, duplicateId, survivorId);
      const after = toContactResponse(updated);
      await this.notifier.notifyContactEvent({ type: 'contact.rectified', contactId: survivorId });
      await this.audit.recordMany([
        {
          action: 'merge',
          entityType: 'contact',
          entityId: survivorId,
          contactId: survivorId,
          before,
          after: { ...after, mergedFrom: duplicateId, moved },
        },
        {
          action: 'merged_into',
          entityType: 'contact',
          entityId: duplicateId,
          contactId: duplicateId,
          before: dup,
          after: { mergedInto: survivorId },
        },
      ]);
      return after;
    });
  }
}
