import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9's bulk check (10,000 ids) and disclosures (1,000): the gate reads each table once for the whole set,
 * `purpose_id = $2 AND contact_id = ANY($1)`, in one index scan that walks the purpose's entries in contact order
 * (PostgreSQL skips between the array's sorted values) instead of one descent per contact: with the purpose
 * first, the entries of one purpose sit together, so 10,000 ids touch a few hundred leaf pages, not the whole
 * (contact, purpose) index. The INCLUDEd columns are what the decision reads: index-only scans. The old
 * (contact_id, purpose_id) indexes stay for the single check and the per-contact reads.
 * `contacts_erased_idx`: which of the ids are erased, from a tiny partial index, so that whether a contact exists
 * is an index-only scan of the primary key (no heap page per contact for `erased_at`). It holds only erased rows and
 * `erased_at` changes only on erasure, so ordinary writes of contacts do not maintain it.
 */
export class ConsentGateBulkIndexes1768900000000 implements MigrationInterface {
  name = 'ConsentGateBulkIndexes1768900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS consents_purpose_contact_idx ON consents (purpose_id, contact_id, obtained_at DESC)
                     INCLUDE (status, expires_at, recipient_ids, id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS legal_bases_purpose_contact_idx ON legal_bases (purpose_id, contact_id)
                     INCLUDE (valid_from, valid_until, id) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS objections_purpose_contact_idx ON objections (purpose_id, contact_id)`);
    await q.query(`CREATE INDEX IF NOT EXISTS contacts_erased_idx ON contacts (id) WHERE erased_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS contacts_erased_idx`);
    await q.query(`DROP INDEX IF EXISTS objections_purpose_contact_idx`);
    await q.query(`DROP INDEX IF EXISTS legal_bases_purpose_contact_idx`);
    await q.query(`DROP INDEX IF EXISTS consents_purpose_contact_idx`);
  }
}
