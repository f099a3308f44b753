import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuditService } from '../audit/audit.service.js';
import { ConflictError, NotFoundError } from '../common/errors/domain.error.js';
import { afterCreated, Page, pageSize, toPage } from '../common/http/pagination.js';
import { appConfig } from '../config/app.config.js';
import { SqlWhere } from '../database/sql-where.js';
import { TransactionService } from '../database/transaction.service.js';
import { WebhookDeliveriesQueryDto } from './dto/webhook-deliveries.query.dto.js';
import { WebhookDeliveryResponseDto } from './dto/webhook-delivery.response.dto.js';
import type { ContactEventType, DeliveryStatus } from './webhook-event.js';
import { rowsOf } from '../database/query-rows.js';
import { WebhookWorker } from './webhook-worker.service.js';

interface DeliveryRow {
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

const COLUMNS = `id, recipient_id, type, contact_id, purpose, occurred_at, status, attempts, last_error, last_status_code,
  last_attempt_at, next_attempt_at, leased_until, delivered_at, created_at, created_at::text AS created_at_key`;

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
    private readonly audit: AuditService,
    private readonly worker: WebhookWorker,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  /** Newest first. */
  async list(q: WebhookDeliveriesQueryDto): Promise<Page<WebhookDeliveryResponseDto>> {
    const limit = pageSize(q);
    const w = new SqlWhere();
    if (q.recipientId) w.add(`recipient_id = ${w.param(q.recipientId)}::uuid`);
    if (q.status) w.add(`status = ${w.param(q.status)}`);
    if (q.contactId) w.add(`contact_id = ${w.param(q.contactId)}::uuid`);
    if (q.type) w.add(`type = ${w.param(q.type)}`);
    w.add(afterCreated(q.cursor, '', 'desc', w.param));
    const rows: DeliveryRow[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM webhook_deliveries ${w.sql} ORDER BY created_at DESC, id DESC LIMIT ${w.param(limit + 1)}`,
      w.params,
    );
    return toPage(rows, limit, toDeliveryResponse, (r) => [r.created_at_key, r.id]);
  }

  async findOne(id: string): Promise<WebhookDeliveryResponseDto> {
    const rows: DeliveryRow[] = await this.tx.manager.query(
      `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('Webhook delivery', id);
    return toDeliveryResponse(rows[0]);
  }

  /**
   * Re-queues a failed or dead delivery for an attempt now, with a fresh retry window. Same id, so the
   * recipient can still recognise a duplicate. Audited.
   */
  async retry(id: string): Promise<WebhookDeliveryResponseDto> {
    return this.tx.run(async (m) => {
      const current: DeliveryRow[] = await m.query(
        `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const before = current[0];
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
      const rows = rowsOf<DeliveryRow>(
        await m.query(
          `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), retry_until = now() + make_interval(secs => $2),
                lease_token = NULL, leased_until = NULL, updated_at = now()
          WHERE id = $1
        RETURNING ${COLUMNS}`,
          [id, this.config.webhookRetryWindowSeconds],
        ),
      );
      const after = toDeliveryResponse(rows[0]);
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
        before: { recipientId: before.recipient_id, type: before.type, ...pick(toDeliveryResponse(before)) },
        after: { recipientId: after.recipientId, type: after.type, ...pick(after) },
      });
      this.worker.wakeAfterCommit(m);
      return after;
    });
  }
}
