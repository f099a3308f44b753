import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/role.js';
import { ForbiddenError, ValidationFailedError } from '../common/errors/domain.error.js';
import { PurposeRef, PurposesService } from '../purposes/purposes.service.js';
import { RecipientRef, RecipientsService } from '../recipients/recipients.service.js';
import { decide, Decision, DecisionBasis, DecisionConsent, gateMode } from './consent-decision.js';
import { ConsentGateQuery } from './consent-gate.query.js';

export interface ContactDecision extends Decision {
  contactId: string;
}

@Injectable()
export class ConsentGateService {
  constructor(
    private readonly query: ConsentGateQuery,
    private readonly purposes: PurposesService,
    private readonly recipients: RecipientsService,
  ) {}

  /** Resolves purpose (by key) and recipient (404 each) and confines integrations to their own recipient (403). */
  async resolve(principal: Principal, purposeKey: string, requested: string | undefined): Promise<{ purpose: PurposeRef; recipient: RecipientRef }> {
    const recipientId = requested?.toLowerCase() ?? (principal.role === 'integration' ? principal.recipientId : null);
    if (!recipientId) {
      throw new ValidationFailedError('recipientId is required', [{ field: 'recipientId', message: 'recipientId must be a UUID' }]);
    }
    if (principal.role === 'integration' && principal.recipientId !== recipientId) {
      throw new ForbiddenError('An integration may only check and disclose for its own recipient');
    }
    const [purpose, recipient] = await Promise.all([this.purposes.byKey(purposeKey), this.recipients.ref(recipientId)]);
    return { purpose, recipient };
  }

  /** The decision for one contact (the hot path of the gate). */
  async decideOne(purpose: PurposeRef, recipientId: string, contactId: string, now = new Date()): Promise<Decision> {
    const mode = gateMode(purpose.legalBasis);
    const rows = await this.query.one(mode, contactId, purpose.id);
    const present = rows.filter((r) => r.id !== null);
    return decide({
      contact: { exists: rows.length > 0, erased: rows[0]?.erased ?? false },
      purpose,
      recipientId,
      objected: rows[0]?.objected ?? false,
      consents:
        mode === 'consents'
          ? present.map((r) => ({
              id: r.id!,
              status: r.status!,
              recipientIds: r.recipient_ids ?? null,
              obtainedAt: new Date(r.obtained_at!),
              expiresAt: r.expires_at ? new Date(r.expires_at) : null,
            }))
          : [],
      bases:
        mode === 'bases'
          ? present.map((r) => ({
              id: r.id!,
              validFrom: new Date(r.valid_from!),
              validUntil: r.valid_until ? new Date(r.valid_until) : null,
              endedAt: r.ended_at ? new Date(r.ended_at) : null,
            }))
          : [],
      now,
    });
  }

  /** Decisions for distinct lower-case contact ids, in the order given, from one query. */
  async decideMany(purpose: PurposeRef, recipientId: string, contactIds: readonly string[], now = new Date()): Promise<ContactDecision[]> {
    if (contactIds.length === 0) return [];
    const row = await this.query.many(gateMode(purpose.legalBasis), contactIds, purpose.id);
    const unknown = new Set(row.unknown);
    const erased = new Set(row.erased);
    const objected = new Set(row.objected);
    const consents = new Map<string, DecisionConsent[]>();
    if (row.k_contact) {
      const kContact = row.k_contact.split(',');
      const kId = row.k_id!.split(',');
      const kStatus = row.k_status!.split(',') as DecisionConsent['status'][];
      const kRecipients = row.k_recipients!.split(',');
      const kObtained = row.k_obtained!.split(',');
      const kExpires = row.k_expires!.split(',');
      for (let i = 0; i < kContact.length; i++) {
        const recipientIds = kRecipients[i];
        const expiresAt = kExpires[i];
        const c: DecisionConsent = {
          id: kId[i],
          status: kStatus[i],
          // Null and none are alike to the decision (every recipient).
          recipientIds: recipientIds === '' ? null : recipientIds.split(' '),
          obtainedAt: new Date(Number(kObtained[i])),
          expiresAt: expiresAt === '' ? null : new Date(Number(expiresAt)),
        };
        const list = consents.get(kContact[i]);
        if (list) list.push(c);
        else consents.set(kContact[i], [c]);
      }
    }
    const bases = new Map<string, DecisionBasis[]>();
    const [bContact, bId, bFrom, bUntil, bEnded] = row.bases ?? [];
    for (let i = 0; bContact && i < bContact.length; i++) {
      const validUntil = bUntil![i];
      const endedAt = bEnded![i];
      const b: DecisionBasis = {
        id: bId![i],
        validFrom: new Date(bFrom![i]),
        validUntil: validUntil === null ? null : new Date(validUntil),
        endedAt: endedAt === null ? null : new Date(endedAt),
      };
      const list = bases.get(bContact[i]);
      if (list) list.push(b);
      else bases.set(bContact[i], [b]);
    }
    const none: never[] = [];
    // A contact with no consent and no basis of the pair is decided by its three flags alone (the decision is pure):
    // decided once per combination of flags met, not once per contact (most of a large set has no record).
    const withoutRecords: (Decision | undefined)[] = [];
    return contactIds.map((contactId) => {
      const exists = !unknown.has(contactId);
      const isErased = erased.has(contactId);
      const isObjected = objected.has(contactId);
      const ks = consents.get(contactId);
      const bs = bases.get(contactId);
      const flags = (exists ? 4 : 0) | (isErased ? 2 : 0) | (isObjected ? 1 : 0);
      const d =
        (ks === undefined && bs === undefined ? withoutRecords[flags] : undefined) ??
        decide({ contact: { exists, erased: isErased }, purpose, recipientId, objected: isObjected, consents: ks ?? none, bases: bs ?? none, now });
      if (ks === undefined && bs === undefined) withoutRecords[flags] = d;
      return { contactId, allowed: d.allowed, legalBasis: d.legalBasis, consentId: d.consentId, reason: d.reason };
    });
  }

  async check(principal: Principal, purposeKey: string, recipientId: string | undefined, contactId: string): Promise<Decision> {
    const { purpose, recipient } = await this.resolve(principal, purposeKey, recipientId);
    const d = await this.decideOne(purpose, recipient.id, contactId.toLowerCase());
    return { allowed: d.allowed, legalBasis: d.legalBasis, consentId: d.consentId, reason: d.reason };
  }

  async checkMany(principal: Principal, purposeKey: string, recipientId: string | undefined, contactIds: string[]): Promise<{ results: ContactDecision[] }> {
    const { purpose, recipient } = await this.resolve(principal, purposeKey, recipientId);
    const distinct = new Set<string>();
    for (const id of contactIds) distinct.add(id.toLowerCase());
    // Each decision is already the answer's {contactId, allowed, legalBasis, consentId, reason}.
    return { results: await this.decideMany(purpose, recipient.id, Array.from(distinct)) };
  }
}
