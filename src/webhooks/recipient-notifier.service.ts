import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { RecipientsRepository } from '../recipients/recipients.repository.js';
import { WebhookDeliveriesRepository, type ExpiryNotification } from './webhook-deliveries.repository.js';
import { CONTACT_EVENT_TYPES, type ContactEventType, webhookBody } from './webhook-event.js';
import { WebhookWorker } from './webhook-worker.service.js';

export type { ContactEventType } from './webhook-event.js';
export type { ExpiryNotification } from './webhook-deliveries.repository.js';

export interface ContactEvent {
  type: ContactEventType;
  contactId: string;
  /** Purpose key, for consent and objection events. */
  purpose?: string;
  /**
   * `contact.rectified` (Art. 16/19): the names of the fields that changed (never their values). Only recipients
   * that were disclosed at least one of them are notified, and the body lists them.
   */
  fields?: readonly string[];
  occurredAt?: Date;
}

/** A recipient that was disclosed a contact's data under a purpose. */
export interface DisclosedTo {
  contactId: string;
  purposeId: string;
  recipientId: string;
}

/**
 * Who was disclosed a contact's data (allowed disclosure items). The disclosures feature provides it (its repository,
 * bound to this class in DisclosuresModule); webhooks looks it up at run time instead of importing disclosures/,
 * which itself depends on consent/ and so, through the notifier, on webhooks/.
 */
export abstract class DisclosedRecipients {
  /** Distinct recipients disclosed the contact's data under the purpose with this key (under any purpose when null). */
  abstract recipientsOf(m: EntityManager, contactId: string, purposeKey: string | null): Promise<string[]>;
  /** Distinct recipients disclosed at least one of these fields of the contact (allowed items), under any purpose. */
  abstract recipientsOfFields(m: EntityManager, contactId: string, fields: string[]): Promise<string[]>;
  /** Distinct (contact, purpose, recipient) disclosed, for the (contact, purpose) pairs given. */
  abstract disclosedUnder(m: EntityManager, pairs: { contactId: string; purposeId: string }[]): Promise<DisclosedTo[]>;
}

/**
 * GDPR Art. 19: tells every recipient that was disclosed a contact's data when a basis ends or the data
 * changes. Call it inside the transaction of the change (it uses TransactionService.manager): the
 * deliveries are queued exactly when the change commits, and sent by the webhook worker.
 */
@Injectable()
export class RecipientNotifier {
  private disclosures?: DisclosedRecipients;

  constructor(
    private readonly tx: TransactionService,
    private readonly worker: WebhookWorker,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly recipients: RecipientsRepository,
    private readonly moduleRef: ModuleRef,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  private get disclosed(): DisclosedRecipients {
    this.disclosures ??= this.moduleRef.get(DisclosedRecipients, { strict: false });
    return this.disclosures;
  }

  /**
   * Queues one delivery per recipient that has a webhook URL, is not retired, and was disclosed this
   * contact's data (an allowed disclosure item): under `purpose` when one is given, under any purpose
   * otherwise (erasure); with `fields` (rectification), only those disclosed one of the fields, and the body
   * names them. Returns how many deliveries were queued.
   */
  async notifyContactEvent(event: ContactEvent): Promise<number> {
    if (!CONTACT_EVENT_TYPES.includes(event.type))
      {throw new Error(`unknown contact event type ${String(event.type)}`);}
    if (!isUUID(event.contactId)) throw new Error('contactId must be a UUID');
    const occurredAt = event.occurredAt ?? new Date();
    const purpose = event.purpose || null;
    const fields = event.fields ? [...new Set(event.fields)].sort() : undefined;
    if (fields && fields.length === 0) return 0;
    const body = webhookBody({ type: event.type, contactId: event.contactId, purpose, fields, occurredAt });
    const manager = this.tx.manager;
    const disclosed = fields
      ? await this.disclosed.recipientsOfFields(manager, event.contactId, fields)
      : await this.disclosed.recipientsOf(manager, event.contactId, purpose);
    const targets = await this.recipients.notifiable(manager, disclosed);
    const ids = await this.deliveries.queue(
      manager,
      targets,
      { type: event.type, contactId: event.contactId, purpose, occurredAt: occurredAt.toISOString(), body },
      this.config.webhookRetryWindowSeconds,
    );
    if (ids.length > 0) this.worker.wakeAfterCommit(manager);
    return ids.length;
  }

  /**
   * The recipients that can be told about these (contact, purpose) pairs: disclosed the contact's data under the
   * purpose, with a webhook URL, not retired (the consent-expiry scan of consent/).
   */
  async notifiableUnder(m: EntityManager, pairs: { contactId: string; purposeId: string }[]): Promise<DisclosedTo[]> {
    if (pairs.length === 0) return [];
    const disclosed = await this.disclosed.disclosedUnder(m, pairs);
    const notifiable = new Set(await this.recipients.notifiable(m, [...new Set(disclosed.map((d) => d.recipientId))]));
    return disclosed.filter((d) => notifiable.has(d.recipientId));
  }

  /** Queues consent.expired deliveries in the caller's transaction (sent by the worker's next round). */
  queueConsentExpired(m: EntityManager, list: ExpiryNotification[]): Promise<number> {
    return this.deliveries.queueConsentExpired(m, list, this.config.webhookRetryWindowSeconds);
  }
}
