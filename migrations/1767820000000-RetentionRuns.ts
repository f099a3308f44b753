import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, retention that acts: each run of the retention rule (POST /retention/run, or the daily job with
 * RETENTION_ENFORCE=true) is recorded — when it ran, by what trigger, how many contacts it erased. The daily job
 * runs only when the latest job run is at least a day old, checked under an advisory lock, so with several
 * instances one runs a day. Holds no personal data (which contacts were erased, and why, is in the audit trail).
 */
export class RetentionRuns1767820000000 implements MigrationInterface {
  name = 'RetentionRuns1767820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_runs (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger      text NOT NULL CONSTRAINT retention_runs_trigger_ck CHECK (trigger IN ('manual', 'job')),
        as_of        timestamptz NOT NULL,
        started_at   timestamptz NOT NULL DEFAULT now(),
        finished_at  timestamptz,
        erased       integer NOT NULL DEFAULT 0 CONSTRAINT retention_runs_erased_ck CHECK (erased >= 0)
      )`);
    await q.query(`CREATE INDEX retention_runs_trigger_as_of_idx ON retention_runs (trigger, as_of DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retention_runs`);
  }
}
