/**
 * A job an instance runs on its own timer every `intervalMs`: one run at a time (a tick that comes while a run is
 * going is skipped), the timer never keeps the process alive, a failed run is reported and the next tick tries
 * again, and `stop()` waits for the run in progress (graceful shutdown). Coordination between instances (advisory
 * locks) is the job's own business.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: Error) => void,
  ) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.run()
        .then(() => undefined)
        .catch((err: Error) => this.onError(err))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
