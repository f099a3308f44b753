import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, small courtesies and who told us what:
 * - `contacts.key_dates` (jsonb array of `{kind, date, label}`; `date` `MM-DD` or `YYYY-MM-DD`), personal data like
 *   every other contact column (erasure resets it to its default, `[]`). A partial index keeps the upcoming-dates
 *   query on the live contacts that have any.
 * - `interactions.topics` (text[] of slugs) with a GIN index for `GET /interactions?topic=`.
 */
export class KeyDatesAndTopics1767920000000 implements MigrationInterface {
  name = 'KeyDatesAndTopics1767920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts ADD COLUMN key_dates jsonb NOT NULL DEFAULT '[]'::jsonb
                     CONSTRAINT contacts_key_dates_array CHECK (jsonb_typeof(key_dates) = 'array')`);
    await q.query(`CREATE INDEX contacts_key_dates_idx ON contacts (id)
                     WHERE key_dates <> '[]'::jsonb AND archived_at IS NULL AND erased_at IS NULL AND merged_into_id IS NULL`);
    await q.query(`ALTER TABLE interactions ADD COLUMN topics text[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX interactions_topics_idx ON interactions USING gin (topics)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX interactions_topics_idx`);
    await q.query(`ALTER TABLE interactions DROP COLUMN topics`);
    await q.query(`DROP INDEX contacts_key_dates_idx`);
    await q.query(`ALTER TABLE contacts DROP COLUMN key_dates`);
  }
}
