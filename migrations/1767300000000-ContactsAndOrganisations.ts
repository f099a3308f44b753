import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contacts and organisations (issue 3): network fields on organisations, preferred language and social
 * profiles on contacts, normalised e-mail addresses and search columns derived by PostgreSQL itself
 * (generated columns, so every writer — erasure and merge included — keeps them right), the search
 * indexes (trigram GIN and full text), and affiliations: a contact's roles at organisations over time.
 */
export class ContactsAndOrganisations1767300000000 implements MigrationInterface {
  name = 'ContactsAndOrganisations1767300000000';

  async up(q: QueryRunner): Promise<void> {
    // Organisations: networks carry a type, goals and rules.
    await q.query(`
      ALTER TABLE organisations
        ADD COLUMN network_type  text CONSTRAINT organisations_network_type_ck
                                   CHECK (network_type IN ('informal','institutional','professional')),
        ADD COLUMN network_goals text,
        ADD COLUMN network_rules text,
        ADD CONSTRAINT organisations_network_fields_ck
          CHECK (kind = 'network' OR (network_type IS NULL AND network_goals IS NULL AND network_rules IS NULL))`);
    await q.query(
      `CREATE INDEX organisations_name_trgm_idx ON organisations USING gin (lower(name) gin_trgm_ops)`,
    );
    await q.query(`CREATE INDEX organisations_kind_idx ON organisations (kind, created_at, id)`);
    await q.query(`CREATE INDEX organisations_tags_idx ON organisations USING gin (tags)`);
    await q.query(`CREATE INDEX organisations_owner_idx ON organisations (owner_id)`);

    // E-mail addresses out of the emails jsonb, lower-cased and trimmed. IMMUTABLE so generated columns may use them.
    await q.query(`
      CREATE FUNCTION contact_email_addresses(emails jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(lower(btrim(e->>'address'))) FILTER (WHERE coalesce(btrim(e->>'address'), '') <> ''), '{}')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(emails) = 'array' THEN emails ELSE '[]'::jsonb END) AS e
      $$`);
    await q.query(`
      CREATE FUNCTION contact_email_text(emails jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(lower(btrim(e->>'address')), ' '), '')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(emails) = 'array' THEN emails ELSE '[]'::jsonb END) AS e
      $$`);

    await q.query(`
      ALTER TABLE contacts
        ADD COLUMN preferred_language text,
        ADD COLUMN social_profiles    jsonb NOT NULL DEFAULT '{}' CONSTRAINT contacts_social_profiles_ck
                                        CHECK (jsonb_typeof(social_profiles) = 'object'),
        ADD COLUMN email_addresses    text[] GENERATED ALWAYS AS (contact_email_addresses(emails)) STORED,
        ADD COLUMN search_name        text GENERATED ALWAYS AS (lower(given_name || ' ' || family_name)) STORED,
        ADD COLUMN search_emails      text GENERATED ALWAYS AS (contact_email_text(emails)) STORED,
        ADD COLUMN search_vector      tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', given_name || ' ' || family_name || ' ' || contact_email_text(emails))) STORED,
        ADD CONSTRAINT contacts_not_merged_into_self_ck CHECK (merged_into_id IS NULL OR merged_into_id <> id)`);
    await q.query(`CREATE INDEX contacts_email_addresses_idx ON contacts USING gin (email_addresses)`);
    await q.query(
      `CREATE INDEX contacts_search_name_trgm_idx ON contacts USING gin (search_name gin_trgm_ops)`,
    );
    await q.query(
      `CREATE INDEX contacts_search_emails_trgm_idx ON contacts USING gin (search_emails gin_trgm_ops)`,
    );
    await q.query(`CREATE INDEX contacts_search_vector_idx ON contacts USING gin (search_vector)`);
    await q.query(`CREATE INDEX contacts_tags_idx ON contacts USING gin (tags)`);
    await q.query(`CREATE INDEX contacts_updated_idx ON contacts (updated_at, id)`);
    await q.query(
      `CREATE INDEX contacts_merged_into_idx ON contacts (merged_into_id) WHERE merged_into_id IS NOT NULL`,
    );
    // The default list: live contacts in creation order.
    await q.query(`
      CREATE INDEX contacts_live_created_idx ON contacts (created_at, id)
        WHERE archived_at IS NULL AND erased_at IS NULL AND merged_into_id IS NULL`);

    await q.query(`
      CREATE TABLE contact_affiliations (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id       uuid NOT NULL CONSTRAINT contact_affiliations_contact_fk REFERENCES contacts(id),
        organisation_id  uuid NOT NULL CONSTRAINT contact_affiliations_organisation_fk REFERENCES organisations(id),
        job_title        text,
        department       text,
        since            date,
        until            date,
        is_primary       boolean NOT NULL DEFAULT false,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_affiliations_period_ck CHECK (since IS NULL OR until IS NULL OR since <= until)
      )`);
    await q.query(
      `CREATE INDEX contact_affiliations_contact_idx ON contact_affiliations (contact_id, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX contact_affiliations_organisation_idx ON contact_affiliations (organisation_id, contact_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contact_affiliations`);
    await q.query(`DROP INDEX contacts_live_created_idx`);
    await q.query(`DROP INDEX contacts_merged_into_idx`);
    await q.query(`DROP INDEX contacts_updated_idx`);
    await q.query(`DROP INDEX contacts_tags_idx`);
    await q.query(`DROP INDEX contacts_search_vector_idx`);
    await q.query(`DROP INDEX contacts_search_emails_trgm_idx`);
    await q.query(`DROP INDEX contacts_search_name_trgm_idx`);
    await q.query(`DROP INDEX contacts_email_addresses_idx`);
    await q.query(`
      ALTER TABLE contacts
        DROP CONSTRAINT contacts_not_merged_into_self_ck,
        DROP COLUMN search_vector,
        DROP COLUMN search_emails,
        DROP COLUMN search_name,
        DROP COLUMN email_addresses,
        DROP COLUMN social_profiles,
        DROP COLUMN preferred_language`);
    await q.query(`DROP FUNCTION contact_email_text(jsonb)`);
    await q.query(`DROP FUNCTION contact_email_addresses(jsonb)`);
    await q.query(`DROP INDEX organisations_owner_idx`);
    await q.query(`DROP INDEX organisations_tags_idx`);
    await q.query(`DROP INDEX organisations_kind_idx`);
    await q.query(`DROP INDEX organisations_name_trgm_idx`);
    await q.query(`
      ALTER TABLE organisations
        DROP CONSTRAINT organisations_network_fields_ck,
        DROP COLUMN network_rules,
        DROP COLUMN network_goals,
        DROP COLUMN network_type`);
  }
}
