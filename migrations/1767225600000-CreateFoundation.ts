import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation: users and API keys, the hash-chained audit trail with per-contact data keys,
 * idempotency records, and the base tables of organisations and contacts that every feature points at.
 */
export class CreateFoundation1767225600000 implements MigrationInterface {
  name = 'CreateFoundation1767225600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL,
        email         text,
        role          text NOT NULL CONSTRAINT users_role_ck CHECK (role IN ('admin','staff','compliance')),
        oidc_issuer   text,
        oidc_subject  text,
        active        boolean NOT NULL DEFAULT true,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_oidc_identity_ck CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_uq ON users (lower(email)) WHERE email IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX users_oidc_identity_uq ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL`);

    await q.query(`
      CREATE TABLE api_keys (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name             text NOT NULL,
        role             text NOT NULL CONSTRAINT api_keys_role_ck CHECK (role IN ('admin','staff','compliance','integration')),
        user_id          uuid REFERENCES users(id),
        recipient_id     uuid,
        oauth_client_id  text,
        prefix           text NOT NULL,
        key_hash         text NOT NULL,
        expires_at       timestamptz,
        revoked_at       timestamptz,
        created_by       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_keys_integration_recipient_ck CHECK ((role = 'integration') = (recipient_id IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash_uq ON api_keys (key_hash)`);
    await q.query(`CREATE UNIQUE INDEX api_keys_oauth_client_uq ON api_keys (oauth_client_id) WHERE oauth_client_id IS NOT NULL AND revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope             text NOT NULL,
        key               text NOT NULL,
        request_hash      text NOT NULL,
        status            text NOT NULL CONSTRAINT idempotency_status_ck CHECK (status IN ('running','completed')),
        response_status   integer,
        response_headers  jsonb,
        response_body     jsonb,
        locked_until      timestamptz NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE contact_keys (
        contact_id    uuid PRIMARY KEY,
        wrapped_key   bytea,
        created_at    timestamptz NOT NULL DEFAULT now(),
        destroyed_at  timestamptz,
        CONSTRAINT contact_keys_destroyed_ck CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
      )`);

    await q.query(`
      CREATE TABLE audit_events (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq          bigint NOT NULL,
        occurred_at  timestamptz NOT NULL,
        actor_type   text NOT NULL,
        actor_id     text,
        action       text NOT NULL,
        entity_type  text NOT NULL,
        entity_id    text,
        contact_id   uuid,
        request_id   text,
        before       jsonb,
        after        jsonb,
        prev_hash    text NOT NULL,
        hash         text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX audit_events_seq_uq ON audit_events (seq)`);
    await q.query(`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, seq)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq)`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    await q.query(`CREATE INDEX audit_events_contact_idx ON audit_events (contact_id) WHERE contact_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_immutable()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_immutable()`);

    await q.query(`
      CREATE TABLE organisations (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name           text NOT NULL,
        kind           text NOT NULL DEFAULT 'other' CONSTRAINT organisations_kind_ck
                         CHECK (kind IN ('company','university','association','chamber','public_body','ngo','network','other')),
        website        text,
        email_domains  text[] NOT NULL DEFAULT '{}',
        parent_id      uuid REFERENCES organisations(id),
        tags           text[] NOT NULL DEFAULT '{}',
        notes          text,
        owner_id       uuid REFERENCES users(id),
        archived_at    timestamptz,
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisations_not_own_parent_ck CHECK (parent_id IS NULL OR parent_id <> id)
      )`);
    await q.query(`CREATE INDEX organisations_parent_idx ON organisations (parent_id)`);
    await q.query(`CREATE INDEX organisations_created_idx ON organisations (created_at, id)`);

    await q.query(`
      CREATE TABLE contacts (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        given_name           text NOT NULL,
        family_name          text NOT NULL,
        emails               jsonb NOT NULL DEFAULT '[]',
        phones               jsonb NOT NULL DEFAULT '[]',
        organisation_id      uuid REFERENCES organisations(id),
        job_title            text,
        tags                 text[] NOT NULL DEFAULT '{}',
        owner_id             uuid REFERENCES users(id),
        notes                text,
        archived_at          timestamptz,
        erased_at            timestamptz,
        merged_into_id       uuid REFERENCES contacts(id),
        last_interaction_at  timestamptz,
        version              integer NOT NULL DEFAULT 1,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_organisation_idx ON contacts (organisation_id)`);
    await q.query(`CREATE INDEX contacts_owner_idx ON contacts (owner_id)`);
    await q.query(`CREATE INDEX contacts_created_idx ON contacts (created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contacts`);
    await q.query(`DROP TABLE organisations`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_immutable()`);
    await q.query(`DROP TABLE contact_keys`);
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE users`);
  }
}
