import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, per-person legal bases. A purpose whose basis is `contract`, `legal_obligation`, `vital_interests` or
 * `public_task` allows a contact only with a live basis recorded for that person and purpose (e.g. the contract
 * number). Append-only like consents: the only change a row ever sees is being ended once (ended_at, end_reason).
 *
 * Existing purposes of those bases: no basis is recorded by this migration, so from now on the gate answers
 * `no_basis` for their contacts until bases are recorded (POST /contacts/:id/bases) — they do not silently keep
 * disclosing every contact. `legitimate_interests` purposes are unchanged (every contact unless objected).
 */
export class CreateLegalBases1767800000000 implements MigrationInterface {
  name = 'CreateLegalBases1767800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_bases (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id   uuid NOT NULL REFERENCES contacts(id),
        purpose_id   uuid NOT NULL REFERENCES purposes(id),
        reference    text NOT NULL CONSTRAINT legal_bases_reference_ck CHECK (length(reference) BETWEEN 1 AND 500),
        valid_from   timestamptz NOT NULL DEFAULT now(),
        valid_until  timestamptz,
        ended_at     timestamptz,
        end_reason   text,
        ended_by     text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text,
        CONSTRAINT legal_bases_validity_ck CHECK (valid_until IS NULL OR valid_until > valid_from),
        CONSTRAINT legal_bases_end_ck CHECK (ended_at IS NOT NULL OR (end_reason IS NULL AND ended_by IS NULL))
      )`);
    // The gate's read: a contact's bases for one purpose that are not ended.
    await q.query(
      `CREATE INDEX legal_bases_contact_purpose_idx ON legal_bases (contact_id, purpose_id) INCLUDE (valid_from, valid_until) WHERE ended_at IS NULL`,
    );
    await q.query(`CREATE INDEX legal_bases_contact_history_idx ON legal_bases (contact_id, created_at, id)`);
    // Append-only: what was recorded never changes; ending sets ended_at (with its reason and actor) once.
    // Erasure may replace the reference (it can identify the person), nothing else.
    await q.query(`
      CREATE FUNCTION legal_bases_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'legal_bases are append-only'; END IF;
        IF NEW.id <> OLD.id OR NEW.purpose_id <> OLD.purpose_id OR NEW.valid_from <> OLD.valid_from
           OR NEW.valid_until IS DISTINCT FROM OLD.valid_until OR NEW.created_at <> OLD.created_at
           OR NEW.created_by IS DISTINCT FROM OLD.created_by
           OR (OLD.ended_at IS NOT NULL AND (NEW.ended_at IS DISTINCT FROM OLD.ended_at
               OR NEW.end_reason IS DISTINCT FROM OLD.end_reason OR NEW.ended_by IS DISTINCT FROM OLD.ended_by)) THEN
          RAISE EXCEPTION 'legal_bases are append-only: only ending (once) and erasure''s pseudonymisation change a row';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER legal_bases_append_only BEFORE UPDATE OR DELETE ON legal_bases FOR EACH ROW EXECUTE FUNCTION legal_bases_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE legal_bases`);
    await q.query(`DROP FUNCTION legal_bases_append_only()`);
  }
}
