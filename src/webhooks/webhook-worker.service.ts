import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { appConfig } from '../config/app.config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { retryDelayMs } from './backoff.js';
import { rowsOf } from '../database/query-rows.js';
import { webhookHeaders } from './webhook-signature.js';
import { postWebhook, SendResult } from './webhook-sender.js';

/** At most this many attempts run at once in one instance. */
const MAX_IN_FLIGHT = 16;
/** Consents whose expiry one scan handles at most (the next scan continues). */
const EXPIRY_BATCH = 1000;

interface ClaimedDelivery {
  id: string;
  recipient_id: string;
  body: string;
  attempts: number;
  lease_token: string;
  retry_until: Date;
}

interface RecipientTarget {
  id: string;
  webhook_url: string | null;
  webhook_secret_sealed: string;
  retired_at: Date | null;
}

/**
 * Sends queued webhook deliveries and notices expired consents.
 *
 * - Deliveries are rows: a restart loses nothing. Instances claim due rows with
 *   `FOR UPDATE SKIP LOCKED` and a lease (token + deadline); a result is written only by the holder of
 *   the lease, and a lease left by a crashed instance simply runs out.
 * - The loop polls every WEBHOOK_POLL_INTERVAL_MS, and is nudged when a transaction that queued
 *   deliveries commits. It runs only when WORKERS_ENABLED.
 * - On shutdown it stops claiming, lets running attempts finish for a short grace period, then abandons
 *   the rest: their lease is released without counting the attempt, so they are sent again later.
 */
@Injectable()
export class WebhookWorker implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookWorker');
  private started = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private lastExpiryScan = 0;
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Transactions that queued deliveries: their commit nudges the loop. */
  private readonly waitingCommit = new WeakSet<QueryRunner>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  onModuleInit(): void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (event) => {
        if (event.queryRunner && this.waitingCommit.has(event.queryRunner)) {
          this.waitingCommit.delete(event.queryRunner);
          this.nudge();
        }
      },
      afterTransactionRollback: (event) => {
        if (event.queryRunner) this.waitingCommit.delete(event.queryRunner);
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled) return;
    this.started = true;
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.ticking;
    const graceMs = Math.min(3000, this.config.webhookTimeoutMs);
    const all = () => Promise.all([...this.inFlight.values()].map((f) => f.done));
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (graceTimer = setTimeout(r, graceMs)))]);
    clearTimeout(graceTimer);
    for (const f of this.inFlight.values()) f.abort.abort();
    await all();
  }

  /** Called by the notifier inside a transaction: look for work as soon as it commits. */
  wakeAfterCommit(manager: EntityManager): void {
    const qr = manager.queryRunner;
    if (qr && qr.isTransactionActive) this.waitingCommit.add(qr);
    else this.nudge();
  }

  /** Look for due deliveries now (no effect when the worker does not run in this instance). */
  nudge(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.stopping || this.ticking) return;
    this.tickAgain = false;
    this.ticking = (async () => {
      try {
        if (Date.now() - this.lastExpiryScan >= this.config.consentExpiryScanIntervalMs) {
          this.lastExpiryScan = Date.now();
          await this.scanExpiredConsents();
        }
        await this.claimAndSend();
      } catch (err) {
        this.logger.error(`webhook worker round failed: ${(err as Error).message}`);
      }
    })();
    await this.ticking;
    this.ticking = undefined;
    if (!this.stopping) this.schedule(this.tickAgain ? 0 : this.config.webhookPollIntervalMs);
  }

  /**
   * Queues `consent.expired` once per granted consent whose expiry has passed (never for one that was
   * already expired when it was recorded), for the recipients disclosed that contact's data under its
   * purpose — unless another live consent of the contact still covers that recipient for the purpose.
   * The notice row is the "exactly once": concurrent scans meet on its primary key.
   */
  async scanExpiredConsents(): Promise<number> {
    const rows: { id: string }[] = await this.dataSource.query(
      `WITH due AS (
         SELECT c.id, c.contact_id, c.expires_at
           FROM consents c
           JOIN contacts ct ON ct.id = c.contact_id
          WHERE c.status = 'granted'
            AND c.expires_at IS NOT NULL
            AND c.expires_at <= now()
            AND c.expires_at > c.created_at
            AND ct.erased_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM consent_expiry_notices n WHERE n.consent_id = c.id)
          ORDER BY c.expires_at
          LIMIT $2
       ), noticed AS (
         INSERT INTO consent_expiry_notices (consent_id, contact_id, expired_at)
         SELECT id, contact_id, expires_at FROM due
         ON CONFLICT (consent_id) DO NOTHING
         RETURNING consent_id, contact_id, expired_at
       ), targets AS (
         SELECT DISTINCT ON (d.recipient_id, n.contact_id, c.purpose_id)
                d.recipient_id, n.contact_id, p.key AS purpose, n.expired_at
           FROM noticed n
           JOIN consents c ON c.id = n.consent_id
           JOIN purposes p ON p.id = c.purpose_id
           JOIN disclosure_items di ON di.contact_id = n.contact_id AND di.allowed
           JOIN disclosures d ON d.id = di.disclosure_id AND d.purpose_id = c.purpose_id
           JOIN recipients r ON r.id = d.recipient_id
          WHERE r.webhook_url IS NOT NULL
            AND r.retired_at IS NULL
            AND NOT EXISTS (
              SELECT 1 FROM consents live
               WHERE live.contact_id = n.contact_id
                 AND live.purpose_id = c.purpose_id
                 AND live.status = 'granted'
                 AND (live.expires_at IS NULL OR live.expires_at > now())
                 AND (live.recipient_ids IS NULL OR cardinality(live.recipient_ids) = 0 OR d.recipient_id = ANY (live.recipient_ids)))
          ORDER BY d.recipient_id, n.contact_id, c.purpose_id, n.expired_at DESC
       )
       INSERT INTO webhook_deliveries (recipient_id, type, contact_id, purpose, occurred_at, body, retry_until)
       SELECT t.recipient_id, 'consent.expired', t.contact_id, t.purpose, t.expired_at,
              '{"type":"consent.expired","contactId":' || to_json(t.contact_id)::text ||
              ',"purpose":' || to_json(t.purpose)::text ||
              ',"occurredAt":' || to_json(to_char(t.expired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text || '}',
              now() + make_interval(secs => $1)
         FROM targets t
       RETURNING id`,
      [this.config.webhookRetryWindowSeconds, EXPIRY_BATCH],
    );
    if (rows.length > 0) this.logger.log(`queued ${rows.length} consent.expired deliveries`);
    return rows.length;
  }

  /** Claims due deliveries up to the free capacity and starts sending them (not awaited). */
  private async claimAndSend(): Promise<void> {
    const capacity = MAX_IN_FLIGHT - this.inFlight.size;
    if (capacity <= 0) return;
    const leaseMs = this.config.webhookTimeoutMs + 30_000;
    const claimed = rowsOf<ClaimedDelivery>(
      await this.dataSource.query(
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
      ),
    );
    if (claimed.length === 0) return;
    const recipients: RecipientTarget[] = await this.dataSource.query(
      `SELECT id, webhook_url, webhook_secret_sealed, retired_at FROM recipients WHERE id = ANY ($1::uuid[])`,
      [[...new Set(claimed.map((c) => c.recipient_id))]],
    );
    const byId = new Map(recipients.map((r) => [r.id, r]));
    for (const d of claimed) {
      const abort = new AbortController();
      const done = this.attempt(d, byId.get(d.recipient_id), abort.signal)
        .catch((err) => this.logger.error(`webhook delivery ${d.id}: ${(err as Error).message}`))
        .finally(() => {
          this.inFlight.delete(d.id);
          this.nudge();
        });
      this.inFlight.set(d.id, { abort, done });
    }
  }

  private async attempt(
    d: ClaimedDelivery,
    recipient: RecipientTarget | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    if (!recipient || recipient.retired_at || !recipient.webhook_url) {
      const reason =
        !recipient || recipient.retired_at ? 'recipient is retired' : 'recipient has no webhookUrl';
      await this.dataSource.query(
        `UPDATE webhook_deliveries SET status = 'dead', last_error = $3, lease_token = NULL, leased_until = NULL, updated_at = now()
          WHERE id = $1 AND lease_token = $2`,
        [d.id, d.lease_token, reason],
      );
      return;
    }
    let result: SendResult;
    try {
      const secret = this.crypto.unseal(recipient.webhook_secret_sealed);
      result = await postWebhook(recipient.webhook_url, webhookHeaders(secret, d.id, d.body), d.body, {
        timeoutMs: this.config.webhookTimeoutMs,
        allowPrivate: this.config.webhookAllowPrivate,
        signal,
      });
    } catch {
      result = { ok: false, statusCode: null, error: 'the webhook secret cannot be read' };
    }

    if (signal.aborted && !result.ok) {
      // Abandoned at shutdown: not counted, due again at once for whoever runs next.
      await this.dataSource.query(
        `UPDATE webhook_deliveries SET lease_token = NULL, leased_until = NULL, updated_at = now() WHERE id = $1 AND lease_token = $2`,
        [d.id, d.lease_token],
      );
      return;
    }
    if (result.ok) {
      await this.dataSource.query(
        `UPDATE webhook_deliveries
            SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_attempt_at = now(),
                last_status_code = $3, last_error = NULL, lease_token = NULL, leased_until = NULL, updated_at = now()
          WHERE id = $1 AND lease_token = $2`,
        [d.id, d.lease_token, result.statusCode],
      );
      return;
    }
    const delay = retryDelayMs(d.attempts + 1, this.config.webhookRetryBaseMs);
    await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, last_attempt_at = now(), last_status_code = $3, last_error = $4,
              status = CASE WHEN now() >= retry_until THEN 'dead' ELSE 'failed' END,
              next_attempt_at = now() + make_interval(secs => $5::double precision / 1000),
              lease_token = NULL, leased_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_token = $2`,
      [d.id, d.lease_token, result.statusCode, result.error?.slice(0, 500) ?? 'failed', delay],
    );
  }
}
