import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AfterCommit } from '../database/after-commit.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { auditHash, GENESIS_HASH } from './audit-hash.js';

/** Events sealed per transaction. */
const BATCH = 1000;
/** The sealer also looks for committed, unsealed events this often (events of other instances, or of a crash). */
const POLL_MS = 250;
/**
 * Under load (a commit woke the sealer while it was sealing), the next round waits this long, so it links the
 * events of many requests in one transaction (one commit, one WAL flush) instead of a few: fewer sealer
 * transactions competing with the requests' commits. The sealing lag grows by at most this.
 */
const GATHER_MS = 20;

/**
 * Seals the audit trail after commit (issue 11). Requests write their events unsealed and take no lock; this gives
 * committed events their place in the hash chain: `seq` after the last sealed one, `prev_hash`, and the `hash` of
 * the row as stored. One sealer at a time across all instances (a transaction-level advisory lock, released when a
 * holder dies with its connection); events are sealed in the order they were written, in batches.
 *
 * - Woken in-process when a transaction that wrote events commits, and polls every POLL_MS for the rest. Commits
 *   that come while a round runs are sealed by one round GATHER_MS after it (batches under load).
 * - A crash between commit and seal loses nothing: the next sealer, of any instance, seals what is left.
 * - A rolled-back transaction wrote no event: nothing to seal, no gap in the chain.
 * - Readers that need the chain up to now (verify, the event list) call `sealPending()` first.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private gathering?: NodeJS.Timeout;
  private again = false;
  private started = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: AuditEventsRepository,
    private readonly afterCommit: AfterCommit,
  ) {}

  onApplicationBootstrap(): void {
    this.started = true;
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
    this.nudge();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    clearTimeout(this.gathering);
    this.gathering = undefined;
    await this.running?.catch(() => 0);
  }

  /** Called where events are written: seal them as soon as their transaction commits. */
  sealAfterCommit(m: EntityManager): void {
    this.afterCommit.run(m, this.wake);
  }

  private readonly wake = () => this.nudge();

  /** The poll: a round only when something waits (asked first, outside a transaction). */
  private poll(): void {
    if (!this.started || this.running || this.gathering) return;
    this.round(true);
  }

  /** Seals in the background (skips the round when another instance is sealing). */
  nudge(): void {
    if (!this.started || this.gathering) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.round(false);
  }

  private round(askFirst: boolean): void {
    this.running = this.sealAll(false, askFirst)
      .catch((err: Error) => {
        this.logger.warn(`audit sealing postponed: ${err.message}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        if (!this.again) return;
        this.again = false;
        // Events came in during this round (or another instance's sealer held the lock): gather more of them
        // before the next round.
        this.gathering = setTimeout(() => {
          this.gathering = undefined;
          this.nudge();
        }, GATHER_MS);
        this.gathering.unref();
      });
  }

  /** Seals every event committed so far, waiting for another sealer if one is busy; answers how many it sealed. */
  sealPending(): Promise<number> {
    return this.sealAll(true, true);
  }

  /**
   * `askFirst` (a poll, a reader's `sealPending`): first one cheap read whether anything waits, so an idle round is
   * one statement without a transaction instead of four; a wake after a commit knows there is something and skips it.
   */
  private async sealAll(wait: boolean, askFirst: boolean): Promise<number> {
    let total = 0;
    if (askFirst && !(await this.events.anyUnsealed())) return total;
    for (;;) {
      const sealed = await this.sealBatch(wait);
      if (sealed === undefined) return total;
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }

  /** One transaction: the lock, the head, up to BATCH events linked. undefined when another sealer holds the lock. */
  private sealBatch(wait: boolean): Promise<number | undefined> {
    return this.dataSource.transaction(async (m) => {
      if (!(await this.events.lockSealer(m, wait))) return undefined;
      const rows = await this.events.unsealed(m, BATCH);
      if (rows.length === 0) return 0;
      const head = await this.events.sealedHead(m);
      let seq = head ? head.seq : 0n;
      let prevHash = head ? head.hash : GENESIS_HASH;
      const links = rows.map((row) => {
        seq += 1n;
        const link = { ...row, seq: seq.toString(), prev_hash: prevHash };
        const hash = auditHash(link);
        prevHash = hash;
        return { id: row.id, seq: link.seq, prevHash: link.prev_hash, hash };
      });
      await this.events.seal(m, links);
      return links.length;
    });
  }
}
