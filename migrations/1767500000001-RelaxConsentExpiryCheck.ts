import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent recorded now with an `expiresAt` already in the past (an import of history without its
 * `obtainedAt`) is valid: it is expired from the start. The service still refuses an explicit
 * `obtainedAt` later than `expiresAt`.
 */
export class RelaxConsentExpiryCheck1767500000001 implements MigrationInterface {
  name = 'RelaxConsentExpiryCheck1767500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consents DROP CONSTRAINT consents_expiry_ck`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consents ADD CONSTRAINT consents_expiry_ck CHECK (expires_at IS NULL OR expires_at > obtained_at) NOT VALID`);
  }
}
