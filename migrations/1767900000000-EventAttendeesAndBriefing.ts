import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, events prepared and followed through: an event's goals and key messages, and the external contacts
 * who attend it (event_attendees, personal data of the contact: exported, deleted on erasure, moved on merge).
 */
export class EventAttendeesAndBriefing1767900000000 implements MigrationInterface {
  name = 'EventAttendeesAndBriefing1767900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN goals text, ADD COLUMN key_messages text[] NOT NULL DEFAULT '{}'`);
    await q.query(`
      CREATE TABLE event_attendees (
        event_id    uuid NOT NULL CONSTRAINT event_attendees_event_fk REFERENCES events(id) ON DELETE CASCADE,
        contact_id  uuid NOT NULL CONSTRAINT event_attendees_contact_fk REFERENCES contacts(id),
        note        text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text,
        CONSTRAINT event_attendees_pk PRIMARY KEY (event_id, contact_id)
      )`);
    // Export, erasure and merge find a contact's attendances.
    await q.query(`CREATE INDEX event_attendees_contact_idx ON event_attendees (contact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_attendees`);
    await q.query(`ALTER TABLE events DROP COLUMN key_messages, DROP COLUMN goals`);
  }
}
