import { jest } from '@jest/globals';
import { PeriodicTask } from './periodic-task.js';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const deferred = () => {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it('runs on every tick, but never twice at once: a tick during a run is skipped', async () => {
    let runs = 0;
    let current = deferred();
    const task = new PeriodicTask(() => {
      runs++;
      return current.promise;
    }, () => undefined);
    task.start(1000);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3000); // still running: skipped
    expect(runs).toBe(1);
    current.resolve();
    current = deferred();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    current.resolve();
    await task.stop();
  });

  it('reports a failed run and tries again on the next tick', async () => {
    const errors: string[] = [];
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
      (err) => errors.push(err.message),
    );
    task.start(500);
    await jest.advanceTimersByTimeAsync(500);
    expect(errors).toEqual(['boom']);
    await jest.advanceTimersByTimeAsync(500);
    expect(runs).toBe(2);
    expect(errors).toEqual(['boom']);
    await task.stop();
  });

  it('stop() waits for the run in progress and no run starts afterwards', async () => {
    let runs = 0;
    const current = deferred();
    const task = new PeriodicTask(() => {
      runs++;
      return current.promise;
    }, () => undefined);
    task.start(100);
    await jest.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    current.resolve();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
  });

  it('does not keep the process alive', () => {
    jest.useRealTimers();
    const task = new PeriodicTask(async () => undefined, () => undefined);
    task.start(60_000);
    const timer = (task as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    void task.stop();
  });
});
