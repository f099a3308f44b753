import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Runs work once the transaction a change was written in has committed (never after a rollback): the audit sealer
 * and the webhook worker are nudged this way, so they see the committed rows at once instead of at their next poll.
 * Outside a transaction the work runs at once.
 */
@Injectable()
export class AfterCommit implements OnModuleInit {
  private readonly pending = new WeakMap<QueryRunner, Set<() => void>>();

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (event) => {
        const work = event.queryRunner && this.pending.get(event.queryRunner);
        if (!work) return;
        this.pending.delete(event.queryRunner);
        for (const fn of work) fn();
      },
      afterTransactionRollback: (event) => {
        if (event.queryRunner) this.pending.delete(event.queryRunner);
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /** `fn` after the commit of `m`'s transaction (once per transaction and function), or now without one. */
  run(m: EntityManager, fn: () => void): void {
    const qr = m.queryRunner;
    if (!qr?.isTransactionActive) return fn();
    const work = this.pending.get(qr) ?? new Set<() => void>();
    work.add(fn);
    this.pending.set(qr, work);
  }
}
