import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys carry a `version` like every other mutable resource (the contract: responses send an ETag made from
 * it, and `DELETE /api-keys/:id` honours `If-Match`). Existing keys start at 1; a key already revoked has changed
 * once since its creation, so it starts at 2.
 */
export class ApiKeyVersion1767610000000 implements MigrationInterface {
  name = 'ApiKeyVersion1767610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN version integer NOT NULL DEFAULT 1`);
    await q.query(`UPDATE api_keys SET version = 2 WHERE revoked_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN version`);
  }
}
