import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PeriodicTask } from '../common/scheduling/periodic-task.js';
import { appConfig } from '../config/app.config.js';
import { RetentionClock } from './retention-clock.js';
import { RetentionService } from './retention.service.js';

/** How often an instance looks whether the daily run is due. */
export const RETENTION_CHECK_INTERVAL_MS = 3600 * 1000;

/**
 * With RETENTION_ENFORCE=true (and workers enabled), every instance checks hourly whether a day has passed since
 * the latest job run and, if so, runs the retention rule. The check and the run happen under one advisory lock
 * (RetentionService.runDaily), so with several instances exactly one runs a day; a run already going elsewhere is
 * simply skipped.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionJob.name);
  private readonly task = new PeriodicTask(
    () => this.tick(),
    (err) => this.logger.warn(`retention run failed: ${err.message}`),
  );

  constructor(
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly retention: RetentionService,
    private readonly clock: RetentionClock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workersEnabled || !this.config.retentionEnforce) return;
    this.task.start(RETENTION_CHECK_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One check: runs the rule when the daily run is due (as of `now`). Answers the erased count, or null when it did not run. */
  async tick(now: Date = this.clock.now()): Promise<number | null> {
    if (!this.config.retentionEnforce) return null;
    const result = await this.retention.runDaily(now);
    if (result) this.logger.log(`retention: ${result.erased} contact(s) erased`);
    return result ? result.erased : null;
  }
}
