import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Typo search over names without a trigram recheck per contact (issue 11, "Typo search under concurrency").
 * `contact_search_names` holds each distinct `contacts.search_name` once, with its own trigram and full-text
 * indexes; the search matches a misspelt name against these terms and then reads the contacts of a matching term
 * by the ordinary index `contacts (search_name, id)`, in id order, only as far as the page needs. Where many
 * contacts share a name (the anchors' seed: 100,000 contacts, 60 names), a typo used to recheck thousands of rows.
 *
 * Kept right by triggers on `contacts`, so no write path of the application changes (creation, update, import,
 * erasure, merge, deletion): a new name is added with the contact; a name no contact carries any more (renamed,
 * erased, deleted) is removed in the same transaction, so an erased person's name does not outlive the erasure.
 * A term being added is held with a key-share lock until the adding transaction ends; the removal takes the row
 * lock first and only then looks for contacts with a fresh snapshot (READ COMMITTED: one per statement in
 * PL/pgSQL), so a contact committed meanwhile with that name keeps its term.
 */
export class ContactSearchNames1768700000000 implements MigrationInterface {
  name = 'ContactSearchNames1768700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_search_names (term text PRIMARY KEY)`);
    await q.query(
      `CREATE INDEX contact_search_names_trgm_idx ON contact_search_names USING gin (term gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX contact_search_names_tsv_idx ON contact_search_names USING gin (to_tsvector('simple', term))`,
    );
    await q.query(`CREATE INDEX contacts_search_name_idx ON contacts (search_name, id)`);
    // Full text that a name alone does not satisfy needs a word of an address: found through this index, not by
    // reading every contact whose name has the words.
    await q.query(
      `CREATE INDEX contacts_search_emails_tsv_idx ON contacts USING gin (to_tsvector('simple', search_emails))`,
    );
    await q.query(
      `INSERT INTO contact_search_names (term) SELECT DISTINCT search_name FROM contacts WHERE search_name IS NOT NULL`,
    );

    // Adds the term (or finds it) and holds it with a key-share lock until this transaction ends. A removal that
    // deleted it between the two statements is waited for; then the loop adds it again.
    await q.query(`
      CREATE FUNCTION contact_search_names_hold(p_term text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF p_term IS NULL THEN RETURN; END IF;
        LOOP
          INSERT INTO contact_search_names (term) VALUES (p_term) ON CONFLICT DO NOTHING;
          IF FOUND THEN RETURN; END IF;
          PERFORM 1 FROM contact_search_names WHERE term = p_term FOR KEY SHARE;
          IF FOUND THEN RETURN; END IF;
        END LOOP;
      END $$`);
    // Removes the term once no contact carries it. The row lock comes first (waiting for transactions that hold
    // the term), the look-up for contacts after it, in a statement of its own.
    await q.query(`
      CREATE FUNCTION contact_search_names_release(p_term text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF p_term IS NULL THEN RETURN; END IF;
        PERFORM 1 FROM contact_search_names WHERE term = p_term FOR UPDATE;
        IF NOT FOUND THEN RETURN; END IF;
        DELETE FROM contact_search_names s WHERE s.term = p_term
          AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.search_name = p_term);
      END $$`);
    await q.query(`
      CREATE FUNCTION contact_search_names_upkeep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM contact_search_names_hold(NEW.search_name); END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM contact_search_names_release(OLD.search_name); END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contacts_search_names_insert AFTER INSERT ON contacts
        FOR EACH ROW EXECUTE FUNCTION contact_search_names_upkeep()`);
    await q.query(`
      CREATE TRIGGER contacts_search_names_update AFTER UPDATE OF given_name, family_name ON contacts
        FOR EACH ROW WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name)
        EXECUTE FUNCTION contact_search_names_upkeep()`);
    await q.query(`
      CREATE TRIGGER contacts_search_names_delete AFTER DELETE ON contacts
        FOR EACH ROW EXECUTE FUNCTION contact_search_names_upkeep()`);
    await q.query(`ANALYZE contact_search_names`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contacts_search_names_delete ON contacts`);
    await q.query(`DROP TRIGGER contacts_search_names_update ON contacts`);
    await q.query(`DROP TRIGGER contacts_search_names_insert ON contacts`);
    await q.query(`DROP FUNCTION contact_search_names_upkeep()`);
    await q.query(`DROP FUNCTION contact_search_names_release(text)`);
    await q.query(`DROP FUNCTION contact_search_names_hold(text)`);
    await q.query(`DROP INDEX contacts_search_emails_tsv_idx`);
    await q.query(`DROP INDEX contacts_search_name_idx`);
    await q.query(`DROP TABLE contact_search_names`);
  }
}
