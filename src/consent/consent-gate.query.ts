import { Injectable } from '@nestjs/common';
import { preparedRows } from '../database/prepared.js';
import { TransactionService } from '../database/transaction.service.js';
import type { DecisionConsent } from './consent-decision.js';
import { uuidArrayParam } from './uuid-array-param.js';

/*
 * The consent gate's reads (issue 10: raw SQL where it is the right tool, beside the owner). They read consents,
 * objections and legal_bases, and the contact's existence and erasure from contacts (read-only): one statement for
 * one contact (the single check) and one for a set of up to 10,000 (bulk check, disclosures), each planned once per
 * connection.
 */

export type GateMode = 'consents' | 'bases' | 'none';

/**
 * The consents of a set, column by column, each a comma-separated text (the i-th consent is the i-th item of each;
 * all null when there is none): contact ids, ids, statuses, recipient ids (space-separated within the item, empty
 * for null or none), obtainedAt and expiresAt in epoch milliseconds (expiresAt empty for null). Text that JavaScript
 * splits: PostgreSQL's string_agg and a split cost less than json_agg and a JSON parse of the same lists.
 */
export interface BulkConsentColumns {
  k_contact: string | null;
  k_id: string | null;
  k_status: string | null;
  k_recipients: string | null;
  k_obtained: string | null;
  k_expires: string | null;
}
/** The bases not ended of a set, column by column: contact ids, ids, validFrom, validUntil, endedAt. */
export type BulkBases = [string[] | null, string[] | null, EpochMs[] | null, (EpochMs | null)[] | null, (EpochMs | null)[] | null];
/**
 * A time in whole epoch milliseconds, rounded down: what `new Date()` makes of the timestamp's ISO text (it keeps the
 * first three digits of the fraction). `infinity` comes as the string "Infinity" (an invalid Date, as from the text).
 */
export type EpochMs = number | string;

/**
 * What the gate reads for a set of contacts, in one row (a list is null when empty). Mode `consents`: also every
 * consent of the pair ({@link BulkConsentColumns}); a contact's in index order (newest first). Otherwise absent.
 */
export interface BulkGateRow extends Partial<BulkConsentColumns> {
  /** The ids that name no contact. */
  unknown: string[] | null;
  /** The ids of erased contacts. */
  erased: string[] | null;
  /** The ids of contacts that objected to the purpose (maybe repeated). */
  objected: string[] | null;
  /** Mode `bases`: every basis not ended of the pair. Otherwise null. */
  bases: BulkBases | null;
}

const ms = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)`;
/** The ids, sorted once (each index scan of an array sorts it first: it then finds it in order). */
const IDS = '(SELECT a FROM ids)::uuid[]';

const IDS_CTE = 'WITH ids AS MATERIALIZED (SELECT array_agg(u ORDER BY u) AS a FROM unnest($1::uuid[]) u)';
/**
 * The ids naming no contact: NULL straight away when the contacts found are as many as the ids (the usual case;
 * the ids are distinct), without sorting the ids again for the difference (an InitPlan runs only when reached).
 */
const UNKNOWN = `(SELECT CASE WHEN count(*) = (SELECT cardinality(a) FROM ids) THEN NULL
             ELSE (SELECT json_agg(x.id) FROM (SELECT unnest(a) FROM ids EXCEPT SELECT c2.id FROM contacts c2 WHERE c2.id = ANY(${IDS})) x(id)) END
        FROM contacts c WHERE c.id = ANY(${IDS})) AS unknown`;
const ERASED = `(SELECT json_agg(c.id) FROM contacts c WHERE c.erased_at IS NOT NULL AND c.id = ANY(${IDS})) AS erased`;
const OBJECTED = `(SELECT json_agg(o.contact_id) FROM objections o WHERE o.purpose_id = $2 AND o.contact_id = ANY(${IDS})) AS objected`;
/** The consents' columns, from one scan (the aggregates of one group see its rows in the same order). */
const CONSENTS = `(SELECT string_agg(k.contact_id::text, ',') AS k_contact, string_agg(k.id::text, ',') AS k_id,
                string_agg(k.status::text, ',') AS k_status,
                string_agg(coalesce(array_to_string(k.recipient_ids, ' '), ''), ',') AS k_recipients,
                string_agg(${ms('k.obtained_at')}::text, ',') AS k_obtained,
                string_agg(coalesce(${ms('k.expires_at')}::text, ''), ',') AS k_expires
              FROM consents k WHERE k.purpose_id = $2 AND k.contact_id = ANY(${IDS})) k`;
const BASES = `(SELECT json_build_array(json_agg(b.contact_id), json_agg(b.id), json_agg(${ms('b.valid_from')}),
                                    json_agg(${ms('b.valid_until')}), json_agg(${ms('b.ended_at')}))
              FROM legal_bases b WHERE b.purpose_id = $2 AND b.contact_id = ANY(${IDS}) AND b.ended_at IS NULL) AS bases`;
/**
 * Loads what the pure decision needs for a set of contacts (up to 10,000): one statement, one row, read in one
 * JSON parse or one split per column. Each table is read once for the whole set with `contact_id = ANY(ids)`: PostgreSQL walks
 * the index in the array's sorted order, skipping between its values (the ids are sorted once, in the CTE, so each
 * scan's own sort of the array finds it sorted), not one B-tree descent per contact and table as a join or a sub-select
 * per contact does (and a join cannot be planned well for a parameter array of unknown size: the prepared
 * statement's generic plan counts 10 rows). Consents, bases and objections come from their (purpose_id, contact_id)
 * indexes (migration 1768900000000): the purpose's entries in contact order, index-only; the ids naming no contact
 * from the primary key (index-only), the erased ones from the partial contacts_erased_idx. Lists are built column
 * by column (an aggregate of one column is cheap; a JSON value per row is not; the consents, the bulk of the row, as
 * comma-separated text: string_agg and a split measured about 10 ms cheaper than json_agg and JSON.parse for 5,000
 * consents), times as epoch milliseconds (no date text to parse). The service matches them to the ids in JavaScript. A purpose reads the consents or the bases (not
 * ended; liveness in time is the pure decision's, with its clock) its basis needs, or neither (legitimate_interests).
 * A contact's consents come in the index's order (newest first, then heap order), as the per-contact form read them:
 * the decision keeps the first of equally new live ones. (Reading the contacts' and the records' parts on two
 * connections in one exported snapshot was tried and measured no faster.)
 */
const GATE_SQL = (mode: GateMode) =>
  `${IDS_CTE} SELECT ${[UNKNOWN, ERASED, OBJECTED, mode === 'bases' ? BASES : 'NULL::json AS bases', ...(mode === 'consents' ? ['k.*'] : [])].join(',\n  ')}` +
  (mode === 'consents' ? `\n  FROM ${CONSENTS}` : '');

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

/** Each mode's text built once: a check neither rebuilds nor rehashes it (statement names are by text). */
const byMode = (sql: (mode: GateMode) => string): Record<GateMode, string> => ({ consents: sql('consents'), bases: sql('bases'), none: sql('none') });
const SINGLE_TEXT = byMode(SINGLE_SQL);
const GATE_TEXT = byMode(GATE_SQL);

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

  /** What the decision needs for a set of distinct, lower-case contact ids (one row; see {@link BulkGateRow}). */
  async many(mode: GateMode, contactIds: readonly string[], purposeId: string): Promise<BulkGateRow> {
    const [row] = await this.prepared<BulkGateRow>(GATE_TEXT[mode], [uuidArrayParam(contactIds), purposeId]);
    return row;
  }

  /** One contact: one row per consent (or basis not ended) of the pair, or one with NULLs; no row: no such contact. */
  one(mode: GateMode, contactId: string, purposeId: string): Promise<SingleRow[]> {
    return this.prepared(SINGLE_TEXT[mode], [contactId, purposeId]);
  }
}
