import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 4: events, interactions (with their contacts, organisations and staff participants), follow-ups,
 * per-user calendar tokens, network memberships and reviews, and declared conflicts of interest.
 */
export class CreateInteractions1767400000000 implements MigrationInterface {
  name = 'CreateInteractions1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL,
        starts_at     timestamptz NOT NULL,
        ends_at       timestamptz,
        location      text,
        organiser_id  uuid CONSTRAINT events_organiser_fk REFERENCES organisations(id),
        created_by    text,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_ends_after_start_ck CHECK (ends_at IS NULL OR ends_at >= starts_at)
      )`);
    await q.query(`CREATE INDEX events_starts_idx ON events (starts_at, id)`);
    await q.query(`
      CREATE TABLE event_representatives (
        event_id  uuid NOT NULL CONSTRAINT event_representatives_event_fk REFERENCES events(id) ON DELETE CASCADE,
        user_id   uuid NOT NULL CONSTRAINT event_representatives_user_fk REFERENCES users(id),
        CONSTRAINT event_representatives_pk PRIMARY KEY (event_id, user_id)
      )`);

    await q.query(`
      CREATE TABLE interactions (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type                   text NOT NULL CONSTRAINT interactions_type_ck
                                 CHECK (type IN ('meeting','call','email','event','message','other')),
        occurred_at            timestamptz NOT NULL,
        summary                text NOT NULL,
        author_id              uuid CONSTRAINT interactions_author_fk REFERENCES users(id),
        author_credential_id   text,
        event_id               uuid CONSTRAINT interactions_event_fk REFERENCES events(id),
        reciprocity            text CONSTRAINT interactions_reciprocity_ck CHECK (reciprocity IN ('give','exchange','ask')),
        confidential           boolean NOT NULL DEFAULT false,
        competition_sensitive  boolean NOT NULL DEFAULT false,
        review_status          text CONSTRAINT interactions_review_status_ck CHECK (review_status IN ('pending','cleared','escalated')),
        review_note            text,
        reviewed_by            text,
        reviewed_at            timestamptz,
        flags                  text[] NOT NULL DEFAULT '{}',
        archived_at            timestamptz,
        version                integer NOT NULL DEFAULT 1,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT interactions_review_ck CHECK (competition_sensitive OR review_status IS NULL)
      )`);
    await q.query(`CREATE INDEX interactions_occurred_idx ON interactions (occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX interactions_author_idx ON interactions (author_id)`);
    await q.query(`CREATE INDEX interactions_event_idx ON interactions (event_id) WHERE event_id IS NOT NULL`);
    await q.query(`CREATE INDEX interactions_review_idx ON interactions (review_status, occurred_at) WHERE review_status IS NOT NULL`);

    await q.query(`
      CREATE TABLE interaction_contacts (
        interaction_id  uuid NOT NULL CONSTRAINT interaction_contacts_interaction_fk REFERENCES interactions(id) ON DELETE CASCADE,
        contact_id      uuid NOT NULL CONSTRAINT interaction_contacts_contact_fk REFERENCES contacts(id),
        CONSTRAINT interaction_contacts_pk PRIMARY KEY (interaction_id, contact_id)
      )`);
    await q.query(`CREATE INDEX interaction_contacts_contact_idx ON interaction_contacts (contact_id, interaction_id)`);
    await q.query(`
      CREATE TABLE interaction_organisations (
        interaction_id   uuid NOT NULL CONSTRAINT interaction_organisations_interaction_fk REFERENCES interactions(id) ON DELETE CASCADE,
        organisation_id  uuid NOT NULL CONSTRAINT interaction_organisations_organisation_fk REFERENCES organisations(id),
        CONSTRAINT interaction_organisations_pk PRIMARY KEY (interaction_id, organisation_id)
      )`);
    await q.query(`CREATE INDEX interaction_organisations_org_idx ON interaction_organisations (organisation_id, interaction_id)`);
    await q.query(`
      CREATE TABLE interaction_participants (
        interaction_id  uuid NOT NULL CONSTRAINT interaction_participants_interaction_fk REFERENCES interactions(id) ON DELETE CASCADE,
        user_id         uuid NOT NULL CONSTRAINT interaction_participants_user_fk REFERENCES users(id),
        CONSTRAINT interaction_participants_pk PRIMARY KEY (interaction_id, user_id)
      )`);
    await q.query(`CREATE INDEX interaction_participants_user_idx ON interaction_participants (user_id, interaction_id)`);

    await q.query(`
      CREATE TABLE follow_ups (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        interaction_id  uuid CONSTRAINT follow_ups_interaction_fk REFERENCES interactions(id),
        contact_id      uuid CONSTRAINT follow_ups_contact_fk REFERENCES contacts(id),
        event_id        uuid CONSTRAINT follow_ups_event_fk REFERENCES events(id),
        due_at          timestamptz NOT NULL,
        assignee_id     uuid CONSTRAINT follow_ups_assignee_fk REFERENCES users(id),
        note            text,
        status          text NOT NULL DEFAULT 'open' CONSTRAINT follow_ups_status_ck CHECK (status IN ('open','done','cancelled')),
        completed_at    timestamptz,
        completed_by    text,
        created_by      text,
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT follow_ups_completed_ck CHECK ((status = 'open') = (completed_at IS NULL))
      )`);
    await q.query(`CREATE INDEX follow_ups_open_due_idx ON follow_ups (due_at) WHERE status = 'open'`);
    await q.query(`CREATE INDEX follow_ups_assignee_idx ON follow_ups (assignee_id, status, due_at)`);
    await q.query(`CREATE INDEX follow_ups_interaction_idx ON follow_ups (interaction_id) WHERE interaction_id IS NOT NULL`);
    await q.query(`CREATE INDEX follow_ups_contact_idx ON follow_ups (contact_id) WHERE contact_id IS NOT NULL`);
    await q.query(`CREATE INDEX follow_ups_event_idx ON follow_ups (event_id) WHERE event_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE calendar_tokens (
        user_id     uuid PRIMARY KEY CONSTRAINT calendar_tokens_user_fk REFERENCES users(id),
        token_hash  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX calendar_tokens_hash_uq ON calendar_tokens (token_hash)`);

    await q.query(`
      CREATE TABLE network_memberships (
        id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id              uuid NOT NULL CONSTRAINT network_memberships_network_fk REFERENCES organisations(id),
        member_organisation_id  uuid CONSTRAINT network_memberships_member_org_fk REFERENCES organisations(id),
        user_id                 uuid CONSTRAINT network_memberships_user_fk REFERENCES users(id),
        role                    text,
        since                   date,
        until                   date,
        created_by              text,
        version                 integer NOT NULL DEFAULT 1,
        created_at              timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT network_memberships_one_member_ck CHECK ((member_organisation_id IS NULL) <> (user_id IS NULL)),
        CONSTRAINT network_memberships_period_ck CHECK (until IS NULL OR since IS NULL OR until >= since)
      )`);
    await q.query(`CREATE INDEX network_memberships_network_idx ON network_memberships (network_id, created_at, id)`);
    await q.query(`CREATE INDEX network_memberships_member_org_idx ON network_memberships (member_organisation_id) WHERE member_organisation_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE network_reviews (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        network_id   uuid NOT NULL CONSTRAINT network_reviews_network_fk REFERENCES organisations(id),
        reviewer_id  uuid CONSTRAINT network_reviews_reviewer_fk REFERENCES users(id),
        reviewed_on  date NOT NULL,
        comment      text,
        created_by   text,
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX network_reviews_network_idx ON network_reviews (network_id, reviewed_on, created_at)`);
    await q.query(`
      CREATE TABLE network_review_scores (
        review_id  uuid NOT NULL CONSTRAINT network_review_scores_review_fk REFERENCES network_reviews(id) ON DELETE CASCADE,
        factor     text NOT NULL,
        score      smallint NOT NULL CONSTRAINT network_review_scores_score_ck CHECK (score BETWEEN 1 AND 5),
        note       text,
        CONSTRAINT network_review_scores_pk PRIMARY KEY (review_id, factor)
      )`);

    await q.query(`
      CREATE TABLE conflicts_of_interest (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid NOT NULL CONSTRAINT conflicts_of_interest_user_fk REFERENCES users(id),
        organisation_id  uuid NOT NULL CONSTRAINT conflicts_of_interest_organisation_fk REFERENCES organisations(id),
        description      text,
        declared_by      text,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX conflicts_of_interest_user_org_uq ON conflicts_of_interest (user_id, organisation_id)`);
    await q.query(`CREATE INDEX conflicts_of_interest_org_idx ON conflicts_of_interest (organisation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conflicts_of_interest`);
    await q.query(`DROP TABLE network_review_scores`);
    await q.query(`DROP TABLE network_reviews`);
    await q.query(`DROP TABLE network_memberships`);
    await q.query(`DROP TABLE calendar_tokens`);
    await q.query(`DROP TABLE follow_ups`);
    await q.query(`DROP TABLE interaction_participants`);
    await q.query(`DROP TABLE interaction_organisations`);
    await q.query(`DROP TABLE interaction_contacts`);
    await q.query(`DROP TABLE interactions`);
    await q.query(`DROP TABLE event_representatives`);
    await q.query(`DROP TABLE events`);
  }
}
