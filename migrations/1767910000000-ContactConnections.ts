import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: contacts who know each other, contacts as network members, conflicts of interest withdrawn.
 *
 * contact_connections: one row per (unordered pair, kind). `knows` and `colleague` are symmetric (the direction
 * of the row is only who recorded it from whose page); `reports_to` (from reports to to) and `introduced_by` (from
 * was introduced by to) are directed. A repeat of the same pair with the same kind, in either direction, is refused
 * by one unique index on (least, greatest, kind). The two per-end indexes serve the connection lists, erasure,
 * merge and the introductions walk (which follows edges from either end).
 *
 * network_memberships.member_contact_id: a third kind of member (an external person); the member check becomes
 * "exactly one of the three"; on a merge the holder drops a membership the survivor already has in that network.
 *
 * The introductions query finds the staff who know a contact through the existing indexes
 * interaction_contacts (contact_id, interaction_id) and interaction_participants' primary key.
 */
export class ContactConnections1767910000000 implements MigrationInterface {
  name = 'ContactConnections1767910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_connections (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        from_contact_id  uuid NOT NULL CONSTRAINT contact_connections_from_fk REFERENCES contacts(id),
        to_contact_id    uuid NOT NULL CONSTRAINT contact_connections_to_fk REFERENCES contacts(id),
        kind             text NOT NULL CONSTRAINT contact_connections_kind_ck
                           CHECK (kind IN ('knows','colleague','introduced_by','reports_to')),
        note             text,
        created_by       text,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT contact_connections_distinct_ck CHECK (from_contact_id <> to_contact_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX contact_connections_pair_uq
                     ON contact_connections (least(from_contact_id, to_contact_id), greatest(from_contact_id, to_contact_id), kind)`);
    await q.query(`CREATE INDEX contact_connections_from_idx ON contact_connections (from_contact_id, to_contact_id, kind)`);
    await q.query(`CREATE INDEX contact_connections_to_idx ON contact_connections (to_contact_id, from_contact_id, kind)`);

    await q.query(`ALTER TABLE network_memberships
                     ADD COLUMN member_contact_id uuid CONSTRAINT network_memberships_member_contact_fk REFERENCES contacts(id)`);
    await q.query(`ALTER TABLE network_memberships DROP CONSTRAINT network_memberships_one_member_ck`);
    await q.query(`ALTER TABLE network_memberships ADD CONSTRAINT network_memberships_one_member_ck
                     CHECK (num_nonnulls(member_organisation_id, user_id, member_contact_id) = 1)`);
    await q.query(`CREATE INDEX network_memberships_member_contact_idx ON network_memberships (member_contact_id, created_at, id)
                     WHERE member_contact_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM network_memberships WHERE member_contact_id IS NOT NULL`);
    await q.query(`ALTER TABLE network_memberships DROP CONSTRAINT network_memberships_one_member_ck`);
    await q.query(`ALTER TABLE network_memberships ADD CONSTRAINT network_memberships_one_member_ck
                     CHECK ((member_organisation_id IS NULL) <> (user_id IS NULL))`);
    await q.query(`DROP INDEX network_memberships_member_contact_idx`);
    await q.query(`ALTER TABLE network_memberships DROP COLUMN member_contact_id`);
    await q.query(`DROP TABLE contact_connections`);
  }
}
