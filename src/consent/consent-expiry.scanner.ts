import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { PurposesRepository } from '../purposes/purposes.repository.js';
import { type ExpiryNotification, RecipientNotifier } from '../webhooks/recipient-notifier.service.js';
import { WebhookWorker } from '../webhooks/webhook-worker.service.js';
import { noticeExpiredConsents, type NoticedExpiry } from './consent-expiry.query.js';
import { ConsentsRepository } from './consents.repository.js';

/** Consents whose expiry one scan handles at most (the next scan continues). */
const EXPIRY_BATCH = 1000;

/** Per (contact, purpose), the latest expiry noticed (the one announced), with its exact text. */
export function latestExpiryPerPair(noticed: readonly NoticedExpiry[]): Map<string, { contactId: string; purposeId: string; expiredAt: string }> {
  const latest = new Map<string, { contactId: string; purposeId: string; expiredAt: string; us: bigint }>();
  for (const n of noticed) {
    const key = `${n.contact_id}/${n.purpose_id}`;
    const us = BigInt(n.expired_us);
    const seen = latest.get(key);
    if (!seen || us > seen.us) latest.set(key, { contactId: n.contact_id, purposeId: n.purpose_id, expiredAt: n.expired_at, us });
  }
  return new Map([...latest].map(([k, { us: _us, ...v }]) => [k, v]));
}

/**
 * Notices expired consents and has the recipients told (`consent.expired`, Art. 19). It runs as a periodic scan of
 * the webhook worker (every CONSENT_EXPIRY_SCAN_INTERVAL_MS, at the start of a round, in the instances where the
 * worker runs), so what it queues is sent in the same round.
 */
@Injectable()
export class ConsentExpiryScanner implements OnModuleInit {
  private readonly logger = new Logger('WebhookWorker');

  constructor(
    private readonly tx: TransactionService,
    private readonly consents: ConsentsRepository,
    private readonly purposes: PurposesRepository,
    private readonly notifier: RecipientNotifier,
    private readonly worker: WebhookWorker,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  onModuleInit(): void {
    this.worker.addScan({ intervalMs: this.config.consentExpiryScanIntervalMs, run: () => this.scan() });
  }

  /**
   * Queues `consent.expired` once per granted consent whose expiry has passed (never for one that was
   * already expired when it was recorded), for the recipients disclosed that contact's data under its
   * purpose — unless another live consent of the contact still covers that recipient for the purpose.
   * One transaction: the notices and their deliveries commit together.
   */
  async scan(): Promise<number> {
    const queued = await this.tx.run(async (m) => {
      const noticed = await noticeExpiredConsents(m, EXPIRY_BATCH);
      if (noticed.length === 0) return 0;
      const latest = latestExpiryPerPair(noticed);
      const targets = await this.notifier.notifiableUnder(m, [...latest.values()]);
      const covered = new Set(
        (await this.consents.stillCovered(m, targets)).map((t) => `${t.contactId}/${t.purposeId}/${t.recipientId}`),
      );
      const uncovered = targets.filter((t) => !covered.has(`${t.contactId}/${t.purposeId}/${t.recipientId}`));
      if (uncovered.length === 0) return 0;
      const keys = await this.purposes.keysOf(m, [...new Set(uncovered.map((t) => t.purposeId))]);
      const list: ExpiryNotification[] = uncovered.map((t) => ({
        recipientId: t.recipientId,
        contactId: t.contactId,
        purpose: keys.get(t.purposeId)!,
        expiredAt: latest.get(`${t.contactId}/${t.purposeId}`)!.expiredAt,
      }));
      return this.notifier.queueConsentExpired(m, list);
    });
    if (queued > 0) this.logger.log(`queued ${queued} consent.expired deliveries`);
    return queued;
  }
}
