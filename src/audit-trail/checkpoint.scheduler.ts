import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuditEventsRepository } from '../audit/audit-events.repository.js';
import { AuditSealer } from '../audit/audit-sealer.js';
import { appConfig, auditConfig } from '../config/app.config.js';
import { PeriodicTask } from '../common/scheduling/periodic-task.js';
import { TransactionService } from '../database/transaction.service.js';
import { CheckpointsRepository } from './checkpoints.repository.js';
import { CheckpointsService } from './checkpoints.service.js';

/**
 * Makes a signed checkpoint every AUDIT_CHECKPOINT_INTERVAL_SECONDS when the chain has grown since the latest one.
 * With several instances each tries; an advisory lock lets one of them do it (the others skip that round).
 */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CheckpointScheduler.name);
  private readonly task = new PeriodicTask(
    () => this.tick(),
    (err) => this.logger.warn(`audit checkpoint not made: ${err.message}`),
  );

  constructor(
    @Inject(auditConfig.KEY) private readonly config: ConfigType<typeof auditConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly tx: TransactionService,
    private readonly events: AuditEventsRepository,
    private readonly repository: CheckpointsRepository,
    private readonly checkpoints: CheckpointsService,
    private readonly sealer: AuditSealer,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.app.workersEnabled || this.config.checkpointIntervalSeconds <= 0) return;
    this.task.start(this.config.checkpointIntervalSeconds * 1000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One round: a checkpoint when the chain grew since the latest, made by the instance holding the lock. */
  async tick(): Promise<boolean> {
    return this.tx.run(async (m) => {
      if (!(await this.repository.tryLockScheduler(m))) return false;
      await this.sealer.sealPending();
      const head = await this.events.head();
      if (!head || head.seq <= (await this.checkpoints.latestSeq())) return false;
      await this.checkpoints.create(m);
      return true;
    });
  }
}
