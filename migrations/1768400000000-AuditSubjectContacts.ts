import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /audit-events?contactId=` finds every event about a person, whatever the entity (contract, "Compliance").
 * `contact_id` names the one contact whose personal values an event seals under that contact's key; an event about
 * several people (an interaction with five contacts, a disclosure of a thousand, both ends of a connection) names
 * them in `subject_contact_ids`. Written with the event, covered by its hash (when not empty), never changed: the
 * table's trigger compares whole rows, so the seal-once rule covers the new column as it is.
 */
export class AuditSubjectContacts1768400000000 implements MigrationInterface {
  name = 'AuditSubjectContacts1768400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN subject_contact_ids uuid[]`);
    await q.query(`CREATE INDEX audit_events_subject_contacts_idx ON audit_events USING gin (subject_contact_ids)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_subject_contacts_idx`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN subject_contact_ids`);
  }
}
