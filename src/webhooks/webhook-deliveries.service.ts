import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError } from '../common/errors/domain.error.js';
import { Page, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { WebhookDeliveriesQueryDto } from './dto/webhook-deliveries.query.dto.js';
import { WebhookDeliveryResponseDto } from './dto/webhook-delivery.response.dto.js';
import { DeliveryRow, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookWorker } from './webhook-worker.service.js';

export function toDeliveryResponse(r: DeliveryRow): WebhookDeliveryResponseDto {
  return {
    id: r.id,
    recipientId: r.recipient_id,
    type: r.type,
    contactId: r.contact_id,
    purpose: r.purpose,
    occurredAt: r.occurred_at,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    lastStatusCode: r.last_status_code,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.status === 'pending' || r.status === 'failed' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}

@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly tx: TransactionService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly audit: AuditService,
    private readonly worker: WebhookWorker,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** Newest first. */
  async list(q: WebhookDeliveriesQueryDto): Promise<Page<WebhookDeliveryResponseDto>> {
    const limit = pageSize(q);
    const rows = await this.deliveries.page(q, limit);
    return toPage(rows, limit, toDeliveryResponse, (r) => [r.created_at_key, r.id]);
  }

  async findOne(id: string): Promise<WebhookDeliveryResponseDto> {
    const row = await this.deliveries.findById(id);
    if (!row) throw new NotFoundError('Webhook delivery', id);
    return toDeliveryResponse(row);
  }

  /**
   * Re-queues a failed or dead delivery for an attempt now, with a fresh retry window. Same id, so the
   * recipient can still recognise a duplicate. Audited.
   */
  async retry(id: string): Promise<WebhookDeliveryResponseDto> {
    return this.tx.run(async (m) => {
      const before = await this.deliveries.findForUpdate(m, id);
      if (!before) throw new NotFoundError('Webhook delivery', id);
      if (before.status !== 'failed' && before.status !== 'dead') {
        throw new ConflictError(
          'DELIVERY_NOT_RETRYABLE',
          `Only a failed or dead delivery can be re-queued; this one is ${before.status}`,
        );
      }
      if (before.leased_until && new Date(before.leased_until).getTime() > Date.now()) {
        throw new ConflictError(
          'DELIVERY_IN_PROGRESS',
          'An attempt of this delivery is running; look again in a moment',
        );
      }
      const after = toDeliveryResponse(await this.deliveries.requeue(m, id, this.config.webhookRetryWindowSeconds));
      const pick = (d: WebhookDeliveryResponseDto) => ({
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.nextAttemptAt,
        lastError: d.lastError,
      });
      await this.audit.record({
        action: 'retry',
        entityType: 'webhook_delivery',
        entityId: id,
        subjects: [before.contact_id],
        before: { recipientId: before.recipient_id, type: before.type, ...pick(toDeliveryResponse(before)) },
        after: { recipientId: after.recipientId, type: after.type, ...pick(after) },
      });
      this.worker.wakeAfterCommit(m);
      return after;
    });
  }
}
