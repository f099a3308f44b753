import { ApiProperty } from '@nestjs/swagger';
import {
  CONTACT_EVENT_TYPES,
  type ContactEventType,
  DELIVERY_STATUSES,
  type DeliveryStatus,
} from '../webhook-event.js';

/** One webhook delivery to one recipient (the body it carries is `{type, contactId, purpose?, occurredAt}`). */
export class WebhookDeliveryResponseDto {
  /** Also the `webhook-id` header of every attempt: stable across retries, for de-duplication. */
  id: string;
  recipientId: string;
  @ApiProperty({ enum: CONTACT_EVENT_TYPES })
  type: ContactEventType;
  contactId: string;
  /** Purpose key, for consent and objection events. */
  @ApiProperty({ type: String, nullable: true })
  purpose: string | null;
  occurredAt: Date;
  /** pending: not tried yet; failed: last attempt failed, retried at `nextAttemptAt`; delivered: a 2xx; dead: retries given up. */
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  attempts: number;
  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;
  @ApiProperty({ type: Number, nullable: true })
  lastStatusCode: number | null;
  @ApiProperty({ type: Date, nullable: true })
  lastAttemptAt: Date | null;
  /** When the next attempt is due (null once delivered or dead). */
  @ApiProperty({ type: Date, nullable: true })
  nextAttemptAt: Date | null;
  @ApiProperty({ type: Date, nullable: true })
  deliveredAt: Date | null;
  createdAt: Date;
}
