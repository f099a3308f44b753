import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent gate: purposes, recipients, append-only consents (withdrawal and confirmation are state
 * transitions, never edits of what was consented to), Art. 21 objections, disclosures with their
 * per-contact decisions, and the Ed25519 keys that sign disclosure receipts.
 */
export class CreateConsentGate1767500000000 implements MigrationInterface {
  name = 'CreateConsentGate1767500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE purposes (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key              text NOT NULL CONSTRAINT purposes_key_slug_ck CHECK (key ~ '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' AND length(key) <= 100),
        name             text NOT NULL,
        description      text NOT NULL DEFAULT '',
        legal_basis      text NOT NULL CONSTRAINT purposes_legal_basis_ck
                           CHECK (legal_basis IN ('consent','contract','legal_obligation','vital_interests','public_task','legitimate_interests')),
        data_categories  text[] NOT NULL DEFAULT '{}',
        retention_days   integer CONSTRAINT purposes_retention_days_ck CHECK (retention_days IS NULL OR retention_days > 0),
        retired_at       timestamptz,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX purposes_key_uq ON purposes (key)`);
    await q.query(`CREATE INDEX purposes_created_idx ON purposes (created_at, id)`);

    await q.query(`
      CREATE TABLE recipients (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name                   text NOT NULL,
        kind                   text NOT NULL CONSTRAINT recipients_kind_ck CHECK (kind IN ('internal_tool','partner_organisation')),
        organisation_id        uuid REFERENCES organisations(id),
        webhook_url            text,
        webhook_secret_sealed  text NOT NULL,
        retired_at             timestamptz,
        version                integer NOT NULL DEFAULT 1,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX recipients_created_idx ON recipients (created_at, id)`);
    await q.query(`CREATE INDEX recipients_organisation_idx ON recipients (organisation_id)`);
    await q.query(`
      ALTER TABLE api_keys ADD CONSTRAINT api_keys_recipient_fk FOREIGN KEY (recipient_id) REFERENCES recipients(id)`);
    await q.query(`CREATE INDEX api_keys_recipient_idx ON api_keys (recipient_id) WHERE recipient_id IS NOT NULL`);

    // status is the stored state; "expired" is computed from expires_at <= now().
    await q.query(`
      CREATE TABLE consents (
        id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id                uuid NOT NULL REFERENCES contacts(id),
        purpose_id                uuid NOT NULL REFERENCES purposes(id),
        recipient_ids             uuid[],
        status                    text NOT NULL CONSTRAINT consents_status_ck CHECK (status IN ('pending','granted','withdrawn')),
        method                    text NOT NULL CONSTRAINT consents_method_ck
                                    CHECK (method IN ('web_form','paper','email_double_opt_in','verbal','import')),
        notice_version            text NOT NULL,
        notice_hash               text,
        evidence                  jsonb,
        interaction_id            uuid,
        recorded_by               text,
        obtained_at               timestamptz NOT NULL DEFAULT now(),
        expires_at                timestamptz,
        confirmed_at              timestamptz,
        withdrawn_at              timestamptz,
        withdrawal_reason         text,
        withdrawn_by              text,
        confirmation_token_hash   text,
        confirmation_expires_at   timestamptz,
        created_at                timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT consents_withdrawn_ck CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
        CONSTRAINT consents_expiry_ck CHECK (expires_at IS NULL OR expires_at > obtained_at)
      )`);
    // The hot path of the gate: a contact's consents for one purpose, newest first, answered from the index.
    await q.query(`
      CREATE INDEX consents_contact_purpose_idx ON consents (contact_id, purpose_id, obtained_at DESC)
        INCLUDE (status, expires_at, recipient_ids, id)`);
    await q.query(`CREATE INDEX consents_purpose_expiry_idx ON consents (purpose_id, expires_at) WHERE status = 'granted' AND expires_at IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX consents_confirmation_token_uq ON consents (confirmation_token_hash) WHERE confirmation_token_hash IS NOT NULL`);
    await q.query(`CREATE INDEX consents_contact_history_idx ON consents (contact_id, created_at, id)`);

    await q.query(`
      CREATE TABLE objections (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_id   uuid NOT NULL REFERENCES contacts(id),
        purpose_id   uuid NOT NULL REFERENCES purposes(id),
        reason       text,
        recorded_by  text,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX objections_contact_purpose_idx ON objections (contact_id, purpose_id) INCLUDE (id)`);

    await q.query(`
      CREATE TABLE disclosures (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        purpose_id        uuid NOT NULL REFERENCES purposes(id),
        recipient_id      uuid NOT NULL REFERENCES recipients(id),
        requested_fields  text[],
        disclosed_fields  text[] NOT NULL DEFAULT '{}',
        actor_type        text NOT NULL,
        actor_id          text,
        contact_count     integer NOT NULL DEFAULT 0,
        disclosed_count   integer NOT NULL DEFAULT 0,
        receipt           text NOT NULL,
        receipt_kid       text NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX disclosures_created_idx ON disclosures (created_at, id)`);
    await q.query(`CREATE INDEX disclosures_recipient_idx ON disclosures (recipient_id, created_at)`);

    // contact_id is NULL for ids that name no contact (unknown_contact); requested_contact_id keeps what was asked.
    await q.query(`
      CREATE TABLE disclosure_items (
        disclosure_id         uuid NOT NULL REFERENCES disclosures(id),
        item_no               integer NOT NULL,
        contact_id            uuid REFERENCES contacts(id),
        requested_contact_id  uuid NOT NULL,
        allowed               boolean NOT NULL,
        reason                text NOT NULL,
        consent_id            uuid REFERENCES consents(id),
        legal_basis           text,
        fields                text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (disclosure_id, item_no)
      )`);
    await q.query(`CREATE INDEX disclosure_items_contact_idx ON disclosure_items (contact_id, disclosure_id) INCLUDE (allowed)`);

    await q.query(`
      CREATE TABLE signing_keys (
        kid                 text PRIMARY KEY,
        alg                 text NOT NULL DEFAULT 'EdDSA',
        public_jwk          jsonb NOT NULL,
        private_key_sealed  text NOT NULL,
        active              boolean NOT NULL DEFAULT true,
        created_at          timestamptz NOT NULL DEFAULT now(),
        retired_at          timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_active_uq ON signing_keys (active) WHERE active`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signing_keys`);
    await q.query(`DROP TABLE disclosure_items`);
    await q.query(`DROP TABLE disclosures`);
    await q.query(`DROP TABLE objections`);
    await q.query(`DROP TABLE consents`);
    await q.query(`DROP INDEX api_keys_recipient_idx`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_recipient_fk`);
    await q.query(`DROP TABLE recipients`);
    await q.query(`DROP TABLE purposes`);
  }
}
