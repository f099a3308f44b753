import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';
import type { AuditRow } from './audit-events.repository.js';

/** The `prev_hash` of the first event of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash covers exactly what is stored (sealed values included), so erasure never breaks the chain. The row
 * handed in must already be in its stored form (see `append`): ids canonical, before/after as jsonb returns them.
 */
export function auditHash(row: Omit<AuditRow, 'id' | 'hash'> & { id: string }): string {
  const content = canonicalJson({
    id: row.id,
    seq: String(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    contactId: row.contact_id,
    // Only when there are some: events without subjects hash as they did before the column existed.
    ...(row.subject_contact_ids?.length ? { subjectContactIds: row.subject_contact_ids } : {}),
    requestId: row.request_id,
    before: row.before ?? null,
    after: row.after ?? null,
  });
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

