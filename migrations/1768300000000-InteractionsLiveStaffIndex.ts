import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14's benchmarks: who on staff knows a contact (the event briefing, warm introductions) goes from the
 * contact's interaction_contacts rows to each interaction's date and author, a few thousand lookups for a briefing
 * of 500 attendees or the neighbours of a well-connected contact. This covering index of the live interactions
 * answers them from the index alone (an index-only scan) instead of a heap page per interaction.
 */
export class InteractionsLiveStaffIndex1768300000000 implements MigrationInterface {
  name = 'InteractionsLiveStaffIndex1768300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS interactions_live_staff_idx ON interactions (id) INCLUDE (occurred_at, author_id)
                     WHERE archived_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS interactions_live_staff_idx`);
  }
}
