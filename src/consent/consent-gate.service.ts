import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/role.js';
import { ForbiddenError, ValidationFailedError } from '../common/errors/domain.error.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposeRef, PurposesService } from '../purposes/purposes.service.js';
import { RecipientRef, RecipientsService } from '../recipients/recipients.service.js';
import { decide, Decision, DecisionConsent } from './consent-decision.js';

interface GateRow {
  contact_id: string;
  exists: boolean;
  erased: boolean;
  objected: boolean;
  consents: { id: string; status: DecisionConsent['status']; recipientIds: string[] | null; obtainedAt: string; expiresAt: string | null }[] | null;
}

export interface ContactDecision extends Decision {
  contactId: string;
}

/**
 * Loads what the pure decision needs, set-based: one query for one contact or for 10,000.
 * The consent sub-select is answered from consents_contact_purpose_idx (index-only for the INCLUDEd columns);
 * for a purpose whose basis is not consent the consents are not read at all.
 */
const GATE_SQL = (withConsents: boolean) => `
  SELECT q.id AS contact_id,
         c.id IS NOT NULL AS exists,
         c.erased_at IS NOT NULL AS erased,
         EXISTS (SELECT 1 FROM objections o WHERE o.contact_id = q.id AND o.purpose_id = $2) AS objected,
         ${
           withConsents
             ? `(SELECT json_agg(json_build_object('id', k.id, 'status', k.status, 'recipientIds', k.recipient_ids,
                                             'obtainedAt', k.obtained_at, 'expiresAt', k.expires_at))
                 FROM consents k WHERE k.contact_id = q.id AND k.purpose_id = $2)`
             : 'NULL::json'
         } AS consents
  FROM unnest($1::uuid[]) WITH ORDINALITY AS q(id, ord)
  LEFT JOIN contacts c ON c.id = q.id
  ORDER BY q.ord`;

/**
 * The single check's query: one contact, flat rows (one per consent of the pair, or one with NULLs), no JSON to
 * build or parse — about half the database work of the set-based form. No row: no such contact.
 */
const SINGLE_SQL = (withConsents: boolean) => `
  SELECT c.erased_at IS NOT NULL AS erased,
         EXISTS (SELECT 1 FROM objections o WHERE o.contact_id = c.id AND o.purpose_id = $2) AS objected,
         ${withConsents ? 'k.id, k.status, k.recipient_ids, k.obtained_at, k.expires_at' : 'NULL::uuid AS id'}
    FROM contacts c
    ${withConsents ? 'LEFT JOIN consents k ON k.contact_id = c.id AND k.purpose_id = $2' : ''}
   WHERE c.id = $1 ${withConsents ? '' : 'AND $2::uuid IS NOT NULL'}`;

interface SingleRow {
  erased: boolean;
  objected: boolean;
  id: string | null;
  status?: DecisionConsent['status'];
  recipient_ids?: string[] | null;
  obtained_at?: Date;
  expires_at?: Date | null;
}

@Injectable()
export class ConsentGateService {
  constructor(
    private readonly tx: TransactionService,
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

  /**
   * Runs the gate query. Outside a transaction (the GET check, the bulk check) it goes straight to the pool as a
   * named prepared statement, so PostgreSQL plans it once per connection instead of on every call (planning
   * costs more than executing this query); inside a transaction (disclosures) it joins that transaction.
   */
  private async prepared<T>(name: string, text: string, params: unknown[]): Promise<T[]> {
    const pool = (this.tx.dataSource.driver as unknown as { master?: { query?: unknown } }).master;
    if (!this.tx.inTransaction && pool && typeof pool.query === 'function') {
      const q = pool.query as (cfg: { name: string; text: string; values: unknown[] }) => Promise<{ rows: T[] }>;
      const res = await q.call(pool, { name, text, values: params });
      return res.rows;
    }
    return this.tx.manager.query(text, params);
  }

  private gateRows(withConsents: boolean, params: unknown[]): Promise<GateRow[]> {
    return this.prepared(withConsents ? 'rapport_gate_consent' : 'rapport_gate_basis', GATE_SQL(withConsents), params);
  }

  /** The decision for one contact (the hot path of the gate). */
  async decideOne(purpose: PurposeRef, recipientId: string, contactId: string, now = new Date()): Promise<Decision> {
    const withConsents = purpose.legalBasis === 'consent';
    const rows = await this.prepared<SingleRow>(
      withConsents ? 'rapport_gate_one_consent' : 'rapport_gate_one_basis',
      SINGLE_SQL(withConsents),
      [contactId, purpose.id],
    );
    return decide({
      contact: { exists: rows.length > 0, erased: rows[0]?.erased ?? false },
      purpose,
      recipientId,
      objected: rows[0]?.objected ?? false,
      consents: rows
        .filter((r) => r.id !== null)
        .map((r) => ({
          id: r.id!,
          status: r.status!,
          recipientIds: r.recipient_ids ?? null,
          obtainedAt: new Date(r.obtained_at!),
          expiresAt: r.expires_at ? new Date(r.expires_at) : null,
        })),
      now,
    });
  }

  /** Decisions for distinct contact ids, in the order given, from one query. */
  async decideMany(purpose: PurposeRef, recipientId: string, contactIds: string[], now = new Date()): Promise<ContactDecision[]> {
    if (contactIds.length === 0) return [];
    const rows = await this.gateRows(purpose.legalBasis === 'consent', [contactIds, purpose.id]);
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
