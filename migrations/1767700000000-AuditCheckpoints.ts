import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit chain (issue 11, the idea of Certificate Transparency's signed tree heads): each
 * row records the chain's head `{seq, hash}` at `signed_at` and the compact JWS over it. The same JWS is written as
 * a file outside the database; verification compares the chain with the latest checkpoint it can read. Append-only
 * like the trail itself.
 *
 * Also the indexes the audit reads need at millions of rows: the `action` filter and `contactId` pages ordered by
 * seq.
 */
export class AuditCheckpoints1767700000000 implements MigrationInterface {
  name = 'AuditCheckpoints1767700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id         uuid PRIMARY KEY,
        seq        bigint NOT NULL,
        hash       text NOT NULL,
        signed_at  timestamptz NOT NULL,
        kid        text NOT NULL,
        jws        text NOT NULL,
        created_by text
      )`);
    await q.query(`CREATE INDEX audit_checkpoints_signed_idx ON audit_checkpoints (signed_at DESC, id DESC)`);
    await q.query(`
      CREATE FUNCTION audit_checkpoints_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_checkpoints is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_immutable()`);
    await q.query(`CREATE INDEX audit_events_action_idx ON audit_events (action, seq)`);
    await q.query(`DROP INDEX audit_events_contact_idx`);
    await q.query(`CREATE INDEX audit_events_contact_idx ON audit_events (contact_id, seq) WHERE contact_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_contact_idx`);
    await q.query(`CREATE INDEX audit_events_contact_idx ON audit_events (contact_id) WHERE contact_id IS NOT NULL`);
    await q.query(`DROP INDEX audit_events_action_idx`);
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`DROP FUNCTION audit_checkpoints_immutable()`);
  }
}
