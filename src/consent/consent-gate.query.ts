import { Injectable } from '@nestjs/common';
import { preparedRows } from '../database/prepared.js';
import { TransactionService } from '../database/transaction.service.js';
import type { DecisionConsent } from './consent-decision.js';

/*
 * The consent gate's set-based reads (issue 10: raw SQL where it is the right tool, beside the owner). They read
 * consents, objections and legal_bases, and the contact's existence and erasure from contacts (read-only LEFT JOIN: one query for
 * one contact or for 10,000, planned once per connection; splitting it would double the round trips of the hot path).
 */

export type GateMode = 'consents' | 'bases' | 'none';

export interface GateRow {
  contact_id: string;
  exists: boolean;
  erased: boolean;
  objected: boolean;
  consents: { id: string; status: DecisionConsent['status']; recipientIds: string[] | null; obtainedAt: string; expiresAt: string | null }[] | null;
  bases: { id: string; validFrom: string; validUntil: string | null; endedAt: string | null }[] | null;
}

/**
 * Loads what the pure decision needs, set-based: one query for one contact or for 10,000.
 * The consent sub-select is answered from consents_contact_purpose_idx (index-only for the INCLUDEd columns); the
 * bases sub-select (purposes of a personal basis: contract, legal_obligation, vital_interests, public_task) from
 * legal_bases_contact_purpose_idx, reading only bases not ended (liveness in time is the pure decision's, with its
 * clock). A purpose reads the one of the two its basis needs, or neither (legitimate_interests).
 */
const GATE_SQL = (mode: GateMode) => `
  SELECT q.id AS contact_id,
         c.id IS NOT NULL AS exists,
         c.erased_at IS NOT NULL AS erased,
         EXISTS (SELECT 1 FROM objections o WHERE o.contact_id = q.id AND o.purpose_id = $2) AS objected,
         ${
           mode === 'consents'
             ? `(SELECT json_agg(json_build_object('id', k.id, 'status', k.status, 'recipientIds', k.recipient_ids,
                                             'obtainedAt', k.obtained_at, 'expiresAt', k.expires_at))
                 FROM consents k WHERE k.contact_id = q.id AND k.purpose_id = $2)`
             : 'NULL::json'
         } AS consents,
         ${
           mode === 'bases'
             ? `(SELECT json_agg(json_build_object('id', b.id, 'validFrom', b.valid_from, 'validUntil', b.valid_until, 'endedAt', b.ended_at))
                 FROM legal_bases b WHERE b.contact_id = q.id AND b.purpose_id = $2 AND b.ended_at IS NULL)`
             : 'NULL::json'
         } AS bases
  FROM unnest($1::uuid[]) WITH ORDINALITY AS q(id, ord)
  LEFT JOIN contacts c ON c.id = q.id
  ORDER BY q.ord`;

/**
 * The single check's query: one contact, flat rows (one per consent, or per live-candidate basis, of the pair, or one
 * with NULLs), no JSON to build or parse — about half the database work of the set-based form. No row: no such contact.
 */
const SINGLE_SQL = (mode: GateMode) => `
  SELECT c.erased_at IS NOT NULL AS erased,
         EXISTS (SELECT 1 FROM objections o WHERE o.contact_id = c.id AND o.purpose_id = $2) AS objected,
         ${
           mode === 'consents'
             ? 'k.id, k.status, k.recipient_ids, k.obtained_at, k.expires_at'
             : mode === 'bases'
               ? 'b.id, b.valid_from, b.valid_until, b.ended_at'
               : 'NULL::uuid AS id'
         }
    FROM contacts c
    ${mode === 'consents' ? 'LEFT JOIN consents k ON k.contact_id = c.id AND k.purpose_id = $2' : ''}
    ${mode === 'bases' ? 'LEFT JOIN legal_bases b ON b.contact_id = c.id AND b.purpose_id = $2 AND b.ended_at IS NULL' : ''}
   WHERE c.id = $1 ${mode === 'none' ? 'AND $2::uuid IS NOT NULL' : ''}`;

export interface SingleRow {
  erased: boolean;
  objected: boolean;
  id: string | null;
  status?: DecisionConsent['status'];
  recipient_ids?: string[] | null;
  obtained_at?: Date;
  expires_at?: Date | null;
  valid_from?: Date;
  valid_until?: Date | null;
  ended_at?: Date | null;
}

@Injectable()
export class ConsentGateQuery {
  constructor(private readonly tx: TransactionService) {}

  /**
   * Runs a gate query. Outside a transaction (the GET check, the bulk check) it is a named prepared statement on
   * the pool, planned once per connection (planning costs more than executing this query); inside a transaction
   * (disclosures) it joins that transaction.
   */
  private prepared<T>(text: string, params: unknown[]): Promise<T[]> {
    return preparedRows<T>(this.tx.manager, text, params);
  }

  /** One row per contact id, in the order given. */
  many(mode: GateMode, contactIds: string[], purposeId: string): Promise<GateRow[]> {
    return this.prepared(GATE_SQL(mode), [contactIds, purposeId]);
  }

  /** One contact: one row per consent (or basis not ended) of the pair, or one with NULLs; no row: no such contact. */
  one(mode: GateMode, contactId: string, purposeId: string): Promise<SingleRow[]> {
    return this.prepared(SINGLE_SQL(mode), [contactId, purposeId]);
  }
}
