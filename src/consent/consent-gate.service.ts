import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/role.js';
import { ForbiddenError, ValidationFailedError } from '../common/errors/domain.error.js';
import { PurposeRef, PurposesService } from '../purposes/purposes.service.js';
import { RecipientRef, RecipientsService } from '../recipients/recipients.service.js';
import { decide, Decision, gateMode } from './consent-decision.js';
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

  /** Decisions for distinct contact ids, in the order given, from one query. */
  async decideMany(purpose: PurposeRef, recipientId: string, contactIds: string[], now = new Date()): Promise<ContactDecision[]> {
    if (contactIds.length === 0) return [];
    const rows = await this.query.many(gateMode(purpose.legalBasis), contactIds, purpose.id);
    return rows.map((r) => ({
      contactId: r.contact_id,
      ...decide({
        contact: { exists: r.exists, erased: r.erased },
        purpose,
        recipientId,
        objected: r.objected,
        consents: (r.consents ?? []).map((k) => ({
          id: k.id,
          status: k.status,
          recipientIds: k.recipientIds,
          obtainedAt: new Date(k.obtainedAt),
          expiresAt: k.expiresAt ? new Date(k.expiresAt) : null,
        })),
        bases: (r.bases ?? []).map((b) => ({
          id: b.id,
          validFrom: new Date(b.validFrom),
          validUntil: b.validUntil ? new Date(b.validUntil) : null,
          endedAt: b.endedAt ? new Date(b.endedAt) : null,
        })),
        now,
      }),
    }));
  }

  async check(principal: Principal, purposeKey: string, recipientId: string | undefined, contactId: string): Promise<Decision> {
    const { purpose, recipient } = await this.resolve(principal, purposeKey, recipientId);
    const d = await this.decideOne(purpose, recipient.id, contactId.toLowerCase());
    return { allowed: d.allowed, legalBasis: d.legalBasis, consentId: d.consentId, reason: d.reason };
  }

  async checkMany(principal: Principal, purposeKey: string, recipientId: string | undefined, contactIds: string[]): Promise<{ results: ContactDecision[] }> {
    const { purpose, recipient } = await this.resolve(principal, purposeKey, recipientId);
    const distinct = Array.from(new Set(contactIds.map((id) => id.toLowerCase())));
    const decisions = await this.decideMany(purpose, recipient.id, distinct);
    return {
      results: decisions.map((d) => ({ contactId: d.contactId, allowed: d.allowed, legalBasis: d.legalBasis, consentId: d.consentId, reason: d.reason })),
    };
  }
}
