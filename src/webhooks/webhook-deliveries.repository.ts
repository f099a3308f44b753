import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCreated } from '../common/http/pagination.js';
import { HoldsPersonalData, type ContactExportPart, type PersonalDataHolder } from '../common/personal-data/personal-data-holder.js';
import { toPlain } from '../common/personal-data/to-plain.js';
import { moveContactReferences } from '../database/move-references.js';
import { queryRows, SqlWhere } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import type { ContactEventType, DeliveryStatus } from './webhook-event.js';

export interface DeliveryRow {
  id: string;
  recipient_id: string;
  type: ContactEventType;
  contact_id: string;
  purpose: string | null;
  occurred_at: Date;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  last_status_code: number | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  leased_until: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  created_at_key: string;
}

export interface ClaimedDelivery {
  id: string;
  recipient_id: string;
  body: string;
  attempts: number;
  lease_token: string;
  retry_until: Date;
}

export interface DeliveryFilter {
  recipientId?: string;
  status?: string;
  contactId?: string;
  type?: string;
  cursor?: string;
}

/** A consent.expired notification to queue; `expiredAt` is the exact timestamptz as PostgreSQL wrote it (text). */
export interface ExpiryNotification {
  recipientId: string;
  contactId: string;
  purpose: string;
  expiredAt: string;
}

const COLUMNS = `id, recipient_id, type, contact_id, purpose, occurred_at, status, attempts, last_error, last_status_code,
  last_attempt_at, next_attempt_at, leased_until, delivered_at, created_at, created_at::text AS created_at_key`;

/**
 * The webhook_deliveries table: the queue of Art. 19 notifications and its lease/send/retry state machine.
 * Deliveries name the contact (contact_id): export lists them, erasure keeps them (proof that the recipients were
 * told), merge moves them to the survivor.
 */
@Injectable()
@HoldsPersonalData()
export class WebhookDeliveriesRepository implements PersonalDataHolder {
  readonly holds = [{ table: 'webhook_deliveries', column: 'contact_id' }];
  readonly erasureOrder = 100;

  constructor(private readonly tx: TransactionService) {}

  /** One delivery per recipient given, in the caller's transaction. Returns the ids queued. */
  async queue(
    m: EntityManager,
    recipientIds: string[],
    e: { type: ContactEventType; contactId: string; purpose: string | null; occurredAt: string; body: string },
    retryWindowSeconds: number,
  ): Promise<string[]> {
    if (recipientIds.length === 0) return [];
    const rows = await queryRows<{ id: string }>(
      m,
      `INSERT INTO webhook_deliveries (recipient_id, type, contact_id, purpose, occurred_at, body, retry_until)
       SELECT r.id, $2, $3::uuid, $4::text, $5::timestamptz, $6, now() + make_interval(secs => $7)
         FROM unnest($1::uuid[]) AS r(id)
       RETURNING id`,
      [recipientIds, e.type, e.contactId, e.purpose, e.occurredAt, e.body, retryWindowSeconds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * consent.expired deliveries; the body is built here from the stored expiry, with millisecond precision
   * (to_char's MS), exactly as recipients have always received it.
   */
  async queueConsentExpired(m: EntityManager, list: ExpiryNotification[], retryWindowSeconds: number): Promise<number> {
    if (list.length === 0) return 0;
    const rows = await queryRows<{ id: string }>(
      m,
      `INSERT INTO webhook_deliveries (recipient_id, type, contact_id, purpose, occurred_at, body, retry_until)
       SELECT t.recipient_id, 'consent.expired', t.contact_id, t.purpose, t.expired_at,
              '{"type":"consent.expired","contactId":' || to_json(t.contact_id)::text ||
              ',"purpose":' || to_json(t.purpose)::text ||
              ',"occurredAt":' || to_json(to_char(t.expired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text || '}',
              now() + make_interval(secs => $1)
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[]) AS t(recipient_id, contact_id, purpose, expired_at)
       RETURNING id`,
      [
        retryWindowSeconds,
        list.map((n) => n.recipientId),
        list.map((n) => n.contactId),
        list.map((n) => n.purpose),
        list.map((n) => n.expiredAt),
      ],
    );
    return rows.length;
  }

  /** Leases due deliveries (FOR UPDATE SKIP LOCKED: instances never claim the same row). */
  claimDue(m: EntityManager, leaseMs: number, capacity: number): Promise<ClaimedDelivery[]> {
    return queryRows<ClaimedDelivery>(
      m,
      `UPDATE webhook_deliveries w
          SET lease_token = gen_random_uuid(), leased_until = now() + make_interval(secs => $1::double precision / 1000), updated_at = now()
         FROM (SELECT id FROM webhook_deliveries
                WHERE status IN ('pending','failed')
                  AND next_attempt_at <= now()
                  AND (leased_until IS NULL OR leased_until < now())
                ORDER BY next_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED) due
        WHERE w.id = due.id
       RETURNING w.id, w.recipient_id, w.body, w.attempts, w.lease_token, w.retry_until`,
      [leaseMs, capacity],
    );
  }

  /** The results below are written only by the holder of the lease. */
  async markDead(m: EntityManager, d: ClaimedDelivery, reason: string): Promise<void> {
    await m.query(
      `UPDATE webhook_deliveries SET status = 'dead', last_error = $3, lease_token = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_token = $2`,
      [d.id, d.lease_token, reason],
    );
  }

  /** Abandoned at shutdown: not counted, due again at once. */
  async releaseLease(m: EntityManager, d: ClaimedDelivery): Promise<void> {
    await m.query(
      `UPDATE webhook_deliveries SET lease_token = NULL, leased_until = NULL, updated_at = now() WHERE id = $1 AND lease_token = $2`,
      [d.id, d.lease_token],
    );
  }

  async markDelivered(m: EntityManager, d: ClaimedDelivery, statusCode: number | null): Promise<void> {
    await m.query(
      `UPDATE webhook_deliveries
          SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_attempt_at = now(),
              last_status_code = $3, last_error = NULL, lease_token = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_token = $2`,
      [d.id, d.lease_token, statusCode],
    );
  }

  /** A failed attempt: retried after `delayMs`, dead once the retry window has passed. */
  async markFailed(m: EntityManager, d: ClaimedDelivery, statusCode: number | null, error: string, delayMs: number): Promise<void> {
    await m.query(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, last_attempt_at = now(), last_status_code = $3, last_error = $4,
              status = CASE WHEN now() >= retry_until THEN 'dead' ELSE 'failed' END,
              next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),
              lease_token = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_token = $2`,
      [d.id, d.lease_token, statusCode, error, delayMs],
    );
  }

  /** Newest first, `limit + 1` rows (the page helper looks for the next one). */
  page(f: DeliveryFilter, limit: number): Promise<DeliveryRow[]> {
    const w = new SqlWhere();
    if (f.recipientId) w.add(`recipient_id = ${w.param(f.recipientId)}::uuid`);
    if (f.status) w.add(`status = ${w.param(f.status)}`);
    if (f.contactId) w.add(`contact_id = ${w.param(f.contactId)}::uuid`);
    if (f.type) w.add(`type = ${w.param(f.type)}`);
    w.add(afterCreated(f.cursor, '', 'desc', w.param));
    return queryRows<DeliveryRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM webhook_deliveries ${w.sql} ORDER BY created_at DESC, id DESC LIMIT ${w.param(limit + 1)}`,
      w.params,
    );
  }

  async findById(id: string): Promise<DeliveryRow | undefined> {
    const [row] = await queryRows<DeliveryRow>(this.tx.manager, `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
    return row;
  }

  async findForUpdate(m: EntityManager, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await queryRows<DeliveryRow>(m, `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  /** Due again now, with a fresh retry window. */
  async requeue(m: EntityManager, id: string, retryWindowSeconds: number): Promise<DeliveryRow> {
    const [row] = await queryRows<DeliveryRow>(
      m,
      `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), retry_until = now() + make_interval(secs => $2),
                lease_token = NULL, leased_until = NULL, updated_at = now()
          WHERE id = $1
        RETURNING ${COLUMNS}`,
      [id, retryWindowSeconds],
    );
    return row;
  }

  // --- PersonalDataHolder ---

  async exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart> {
    const rows = await queryRows<Record<string, unknown>>(m, 'SELECT * FROM webhook_deliveries WHERE contact_id = $1 ORDER BY created_at, id', [contactId]);
    return rows.length ? { other: { webhook_deliveries: rows.map(toPlain) } } : {};
  }

  /** Kept: the proof that the recipients were told (their bodies hold ids and purpose keys, no personal data). */
  async eraseFor(): Promise<void> {}

  async moveTo(m: EntityManager, survivorId: string, duplicateId: string) {
    return { 'webhook_deliveries.contact_id': await moveContactReferences(m, 'webhook_deliveries', 'contact_id', duplicateId, survivorId) };
  }
}
