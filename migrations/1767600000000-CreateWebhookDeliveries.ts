import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GDPR Art. 19 notifications: one row per webhook delivery to one recipient (the outbox the worker
 * sends from, retried with back-off, surviving restarts), and the consents whose expiry was already
 * noticed (so `consent.expired` is queued exactly once).
 */
export class CreateWebhookDeliveries1767600000000 implements MigrationInterface {
  name = 'CreateWebhookDeliveries1767600000000';

  async up(q: QueryRunner): Promise<void> {
    // status: pending (never tried), failed (last attempt failed, retried at next_attempt_at),
    // delivered (a 2xx answer), dead (retry window over; re-queued only by hand).
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_id      uuid NOT NULL CONSTRAINT webhook_deliveries_recipient_fk REFERENCES recipients(id),
        type              text NOT NULL CONSTRAINT webhook_deliveries_type_ck
                            CHECK (type IN ('consent.withdrawn','consent.expired','contact.objected','contact.rectified','contact.erased')),
        contact_id        uuid NOT NULL CONSTRAINT webhook_deliveries_contact_fk REFERENCES contacts(id),
        purpose           text,
        occurred_at       timestamptz NOT NULL,
        body              text NOT NULL,
        status            text NOT NULL DEFAULT 'pending' CONSTRAINT webhook_deliveries_status_ck
                            CHECK (status IN ('pending','delivered','failed','dead')),
        attempts          integer NOT NULL DEFAULT 0,
        next_attempt_at   timestamptz NOT NULL DEFAULT now(),
        retry_until       timestamptz NOT NULL,
        lease_token       uuid,
        leased_until      timestamptz,
        last_attempt_at   timestamptz,
        last_error        text,
        last_status_code  integer,
        delivered_at      timestamptz,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_delivered_ck CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
      )`);
    // The worker's claim: due deliveries in order of their next attempt.
    await q.query(`
      CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
        WHERE status IN ('pending','failed')`);
    await q.query(`CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at, id)`);
    await q.query(
      `CREATE INDEX webhook_deliveries_recipient_idx ON webhook_deliveries (recipient_id, created_at, id)`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_contact_idx ON webhook_deliveries (contact_id)`);

    await q.query(`
      CREATE TABLE consent_expiry_notices (
        consent_id   uuid PRIMARY KEY CONSTRAINT consent_expiry_notices_consent_fk REFERENCES consents(id),
        contact_id   uuid NOT NULL CONSTRAINT consent_expiry_notices_contact_fk REFERENCES contacts(id),
        expired_at   timestamptz NOT NULL,
        noticed_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX consent_expiry_notices_contact_idx ON consent_expiry_notices (contact_id)`);
    // The expiry scan: granted consents by expiry time, across purposes.
    await q.query(`
      CREATE INDEX consents_granted_expiry_idx ON consents (expires_at)
        WHERE status = 'granted' AND expires_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consents_granted_expiry_idx`);
    await q.query(`DROP TABLE consent_expiry_notices`);
    await q.query(`DROP TABLE webhook_deliveries`);
  }
}
