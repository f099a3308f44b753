import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The register of data-subject requests (GDPR Art. 12(3), 15–22): when each was received, when it is due (one
 * calendar month after receipt, three after the one extension), how and when it was answered. A request about a
 * known contact names it (contact_id): the row is then personal data of that contact (SubjectRequestsPersonalData).
 */
export class SubjectRequests1767810000000 implements MigrationInterface {
  name = 'SubjectRequests1767810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_requests (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind          text NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection')),
        contact_id    uuid REFERENCES contacts (id),
        status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'rejected', 'extended')),
        received_at   timestamptz NOT NULL,
        due_at        timestamptz NOT NULL,
        channel       text,
        note          text,
        extended_at   timestamptz,
        closed_at     timestamptz,
        answered_with text CHECK (answered_with IN ('export', 'erasure', 'manual')),
        created_by    text,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (due_at > received_at)
      )`);
    await q.query(`CREATE INDEX subject_requests_due_idx ON subject_requests (due_at, id)`);
    await q.query(`CREATE INDEX subject_requests_contact_idx ON subject_requests (contact_id) WHERE contact_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subject_requests`);
  }
}
