import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, suppression after erasure: the erased person's normalised e-mail addresses, each stored only as
 * HMAC-SHA256 under a key derived from MASTER_KEY (CryptoService.suppressionKey), so the list cannot be reversed with
 * a dictionary by someone holding only the database. No contact_id: the list must not lead back to the person.
 */
export class CreateSuppressions1767800000001 implements MigrationInterface {
  name = 'CreateSuppressions1767800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppressions (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hash        bytea NOT NULL CONSTRAINT suppressions_hash_ck CHECK (length(hash) = 32),
        reason      text NOT NULL CONSTRAINT suppressions_reason_ck CHECK (reason IN ('erasure')),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX suppressions_hash_uq ON suppressions (hash)`);
    await q.query(`CREATE INDEX suppressions_created_idx ON suppressions (created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE suppressions`);
  }
}
