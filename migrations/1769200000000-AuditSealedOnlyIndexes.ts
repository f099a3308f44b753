import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11: an audit event is written twice, once by the request (unsealed: `seq`, `prev_hash`, `hash` null) and once
 * by the sealer's UPDATE giving it its place in the chain. `seq` is in six index definitions, so that UPDATE is never
 * a HOT update: the new row version gets an entry in every index again. The unsealed version's entries in the
 * indexes on `seq` served no read: every reader of those indexes asks for sealed events only (`seq IS NOT NULL`,
 * `seq > $1`, `seq = $1`, `ORDER BY seq` after `seq IS NOT NULL`: see audit-events.repository.ts), and the sealer
 * finds unsealed events through `audit_events_unsealed_idx`. Made partial (`WHERE seq IS NOT NULL`), they hold the
 * sealed version only: the request's INSERT writes three index entries (primary key, unsealed, time) instead of
 * nine, the seal's UPDATE the same seven as before. The GIN index of `subject_contact_ids` also stops indexing the
 * NULL of every event about one contact or none (a GIN index stores a placeholder entry for a NULL): its reader,
 * `subject_contact_ids @> ARRAY[$1]`, never matches a NULL and comes with `seq IS NOT NULL`.
 * The time index stays whole: the bench reads the sealing lag of unsealed and sealed events by `occurred_at`.
 * Uniqueness of `seq` is unchanged (NULLs were never compared).
 */
const PARTIAL: [name: string, definition: string][] = [
  ['audit_events_seq_uq', 'UNIQUE INDEX audit_events_seq_uq ON audit_events (seq) WHERE seq IS NOT NULL'],
  ['audit_events_action_idx', 'INDEX audit_events_action_idx ON audit_events (action, seq) WHERE seq IS NOT NULL'],
  ['audit_events_actor_idx', 'INDEX audit_events_actor_idx ON audit_events (actor_id, seq) WHERE seq IS NOT NULL'],
  ['audit_events_entity_idx', 'INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, seq) WHERE seq IS NOT NULL'],
  [
    'audit_events_contact_idx',
    'INDEX audit_events_contact_idx ON audit_events (contact_id, seq) WHERE contact_id IS NOT NULL AND seq IS NOT NULL',
  ],
  [
    'audit_events_subject_contacts_idx',
    'INDEX audit_events_subject_contacts_idx ON audit_events USING gin (subject_contact_ids) WHERE subject_contact_ids IS NOT NULL AND seq IS NOT NULL',
  ],
];

const WHOLE: [name: string, definition: string][] = [
  ['audit_events_seq_uq', 'UNIQUE INDEX audit_events_seq_uq ON audit_events (seq)'],
  ['audit_events_action_idx', 'INDEX audit_events_action_idx ON audit_events (action, seq)'],
  ['audit_events_actor_idx', 'INDEX audit_events_actor_idx ON audit_events (actor_id, seq)'],
  ['audit_events_entity_idx', 'INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, seq)'],
  ['audit_events_contact_idx', 'INDEX audit_events_contact_idx ON audit_events (contact_id, seq) WHERE contact_id IS NOT NULL'],
  ['audit_events_subject_contacts_idx', 'INDEX audit_events_subject_contacts_idx ON audit_events USING gin (subject_contact_ids)'],
];

export class AuditSealedOnlyIndexes1769200000000 implements MigrationInterface {
  name = 'AuditSealedOnlyIndexes1769200000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of PARTIAL) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE ${definition}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name, definition] of WHOLE) {
      await q.query(`DROP INDEX ${name}`);
      await q.query(`CREATE ${definition}`);
    }
  }
}
