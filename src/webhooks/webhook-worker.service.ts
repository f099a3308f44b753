import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource, EntityManager } from 'typeorm';
import { AfterCommit } from '../database/after-commit.js';
import { appConfig } from '../config/app.config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { RecipientsRepository, type RecipientTarget } from '../recipients/recipients.repository.js';
import { retryDelayMs } from './backoff.js';
import { ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { webhookHeaders } from './webhook-signature.js';
import { postWebhook, SendResult } from './webhook-sender.js';

/** At most this many attempts run at once in one instance. */
const MAX_IN_FLIGHT = 16;

/**
 * A job of another feature that queues deliveries periodically (consent/: the consent-expiry scan). The worker
 * runs it at the start of a round, at most every `intervalMs`, before claiming: what it queued is sent in the
 * same round. An error ends the round (logged), as a failed claim does.
 */
export interface PeriodicScan {
  intervalMs: number;
  run(): Promise<number>;
}

/**
 * Sends queued webhook deliveries, and runs the periodic scans that queue some (the consent-expiry scan).
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
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookWorker');
  private started = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private readonly scans: (PeriodicScan & { last: number })[] = [];
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly recipients: RecipientsRepository,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly afterCommit: AfterCommit,
  ) {}

  /** Registers a periodic scan (at module init; it first runs in the worker's first round). */
  addScan(scan: PeriodicScan): void {
    this.scans.push({ intervalMs: scan.intervalMs, run: () => scan.run(), last: 0 });
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
    this.afterCommit.run(manager, this.wake);
  }

  private readonly wake = () => this.nudge();

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
        for (const scan of this.scans) {
          if (Date.now() - scan.last >= scan.intervalMs) {
            scan.last = Date.now();
            await scan.run();
          }
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

  /** Claims due deliveries up to the free capacity and starts sending them (not awaited). */
  private async claimAndSend(): Promise<void> {
    const capacity = MAX_IN_FLIGHT - this.inFlight.size;
    if (capacity <= 0) return;
    const leaseMs = this.config.webhookTimeoutMs + 30_000;
    const m = this.dataSource.manager;
    const claimed = await this.deliveries.claimDue(m, leaseMs, capacity);
    if (claimed.length === 0) return;
    const recipients = await this.recipients.targets(m, [...new Set(claimed.map((c) => c.recipient_id))]);
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
      await this.deliveries.markDead(this.dataSource.manager, d, reason);
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
      await this.deliveries.releaseLease(this.dataSource.manager, d);
      return;
    }
    if (result.ok) {
      await this.deliveries.markDelivered(this.dataSource.manager, d, result.statusCode);
      return;
    }
    const delay = retryDelayMs(d.attempts + 1, this.config.webhookRetryBaseMs);
    await this.deliveries.markFailed(this.dataSource.manager, d, result.statusCode, result.error?.slice(0, 500) ?? 'failed', delay);
  }
}
