import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { isUUID } from 'class-validator';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { CONTACT_EVENT_TYPES, type ContactEventType, webhookBody } from './webhook-event.js';
import { WebhookWorker } from './webhook-worker.service.js';

export type { ContactEventType } from './webhook-event.js';

export interface ContactEvent {
  type: ContactEventType;
  contactId: string;
  /** Purpose key, for consent and objection events. */
  purpose?: string;
  occurredAt?: Date;
}

/**
 * GDPR Art. 19: tells every recipient that was disclosed a contact's data when a basis ends or the data
 * changes. Call it inside the transaction of the change (it uses TransactionService.manager): the
 * deliveries are queued exactly when the change commits, and sent by the webhook worker.
 */
@Injectable()
export class RecipientNotifier {
  constructor(
    private readonly tx: TransactionService,
    private readonly worker: WebhookWorker,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /**
   * Queues one delivery per recipient that has a webhook URL, is not retired, and was disclosed this
   * contact's data (an allowed disclosure item): under `purpose` when one is given, under any purpose
   * otherwise (rectification, erasure). Returns how many deliveries were queued.
   */
  async notifyContactEvent(event: ContactEvent): Promise<number> {
    if (!CONTACT_EVENT_TYPES.includes(event.type))
      {throw new Error(`unknown contact event type ${String(event.type)}`);}
    if (!isUUID(event.contactId)) throw new Error('contactId must be a UUID');
    const occurredAt = event.occurredAt ?? new Date();
    const purpose = event.purpose || null;
    const body = webhookBody({ type: event.type, contactId: event.contactId, purpose, occurredAt });
    const manager = this.tx.manager;
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO webhook_deliveries (recipient_id, type, contact_id, purpose, occurred_at, body, retry_until)
       SELECT DISTINCT d.recipient_id, $1, $2::uuid, $3::text, $4::timestamptz, $5, now() + make_interval(secs => $6)
         FROM disclosure_items di
         JOIN disclosures d ON d.id = di.disclosure_id
         JOIN recipients r ON r.id = d.recipient_id
        WHERE di.contact_id = $2::uuid
          AND di.allowed
          AND r.webhook_url IS NOT NULL
          AND r.retired_at IS NULL
          AND ($3::text IS NULL OR d.purpose_id IN (SELECT p.id FROM purposes p WHERE p.key = $3::text))
       RETURNING id`,
      [
        event.type,
        event.contactId,
        purpose,
        occurredAt.toISOString(),
        body,
        this.config.webhookRetryWindowSeconds,
      ],
    );
    if (rows.length > 0) this.worker.wakeAfterCommit(manager);
    return rows.length;
  }
}
