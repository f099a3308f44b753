import crypto from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';
import type { ChainRow } from './audit-events.repository.js';

/** The `prev_hash` of the first event of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

type HashedRow = Omit<ChainRow, 'id' | 'hash'> & { id: string };

/**
 * The hashed content's fields, in canonicalJson's (sorted) key order, each with the row value it holds. The
 * object is written out directly rather than built and sorted for every event (verify hashes a million of them);
 * the text is exactly `canonicalJson({...})` of these fields (audit-hash.spec.ts holds them to it).
 */
const FIELDS = (
  [
    ['action', (r) => r.action],
    ['actorId', (r) => r.actor_id],
    ['actorType', (r) => r.actor_type],
    ['after', (r) => r.after ?? null],
    ['before', (r) => r.before ?? null],
    ['contactId', (r) => r.contact_id],
    ['entityId', (r) => r.entity_id],
    ['entityType', (r) => r.entity_type],
    ['id', (r) => r.id],
    ['occurredAt', (r) => isoInstant(r.occurred_at)],
    ['requestId', (r) => r.request_id],
    ['seq', (r) => String(r.seq)],
    // Only when there are some: events without subjects hash as they did before the column existed.
    ['subjectContactIds', (r) => (r.subject_contact_ids?.length ? r.subject_contact_ids : undefined)],
  ] as [string, (row: HashedRow) => unknown][]
).map(([k, get]) => [`${JSON.stringify(k)}:`, get] as const);

/** An instant as `toISOString` writes it (milliseconds, UTC). */
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** `occurred_at` as hashed: `new Date(v).toISOString()`, without the Date when `v` is already that text. */
function isoInstant(v: Date | string): string {
  return typeof v === 'string' && ISO_MS.test(v) ? v : new Date(v).toISOString();
}

/** SHA-256 in hex: the one-shot `crypto.hash` where Node has it (about twice as fast per event), else a Hash. */
const sha256 = (text: string): string =>
  typeof crypto.hash === 'function'
    ? crypto.hash('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text).digest('hex');

/** The canonical JSON of what the hash covers (canonicalJson of the content object, built without sorting). */
export function auditContent(row: HashedRow): string {
  let out = '{';
  for (const [key, get] of FIELDS) {
    const v = get(row);
    if (v === undefined) continue; // canonicalJson leaves undefined members out
    if (out.length > 1) out += ',';
    out += key + (typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));
  }
  return out + '}';
}

/**
 * The hash covers exactly what is stored (sealed values included), so erasure never breaks the chain. The row
 * handed in must already be in its stored form (see `append`): ids canonical, before/after as jsonb returns them.
 */
export function auditHash(row: HashedRow): string {
  return sha256(`${row.prev_hash}\n${auditContent(row)}`);
}
