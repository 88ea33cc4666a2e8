import { type Clock } from '@fristvagt/config';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import {
  type SchedulerOptions,
  type SchedulerStatus,
  type WakeUp,
  type WakeUpHandlers,
  type WakeUpScheduler,
} from './scheduler.port';
import { TimerQueue } from './timer-queue';
import {
  attemptWakeUp,
  type SchedulerErrorListener,
  SchedulerUnavailable,
  wakeUpId,
  wakeUpInstantMs,
} from './wake-up';

export interface InProcessSchedulerOptions extends SchedulerOptions {
  /** Every instant is read from here, so a process whose clock is offset fires at its own "now". */
  readonly clock: Clock;
  /** Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryPolicy>;
  /** Handler failures, for logging. Default: ignored. */
  readonly onError?: SchedulerErrorListener;
}

/**
 * Wake-ups as timers in this process, for the embedded single-process mode. Nothing survives a restart:
 * the sweep at start refills the horizon from the read model.
 */
export class InProcessScheduler implements WakeUpScheduler {
  readonly adapter = 'in-process-timer';

  private readonly clock: Clock;
  private readonly horizonMs: number;
  private readonly sweepEveryMs: number;
  private readonly retry: RetryPolicy;
  private readonly onError: SchedulerErrorListener;
  private readonly timers: TimerQueue<WakeUp>;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(options: InProcessSchedulerOptions) {
    this.clock = options.clock;
    this.horizonMs = options.horizonMs;
    this.sweepEveryMs = options.sweepEveryMs;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onError = options.onError ?? (() => undefined);
    this.timers = new TimerQueue({
      clock: options.clock,
      concurrency: options.concurrency ?? 50,
      retry: this.retry,
    });
  }

  async schedule(wakeUps: readonly WakeUp[]): Promise<void> {
    if (this.timers.state === 'stopped')
      throw new SchedulerUnavailable('the in-process scheduler is stopped');
    const now = this.clock.now().getTime();
    const jobs = wakeUps
      .map((wakeUp) => ({ id: wakeUpId(wakeUp), data: wakeUp, dueMs: wakeUpInstantMs(wakeUp) }))
      .filter((job) => job.dueMs <= now + this.horizonMs);
    this.timers.add(jobs);
  }

  async start(handlers: WakeUpHandlers): Promise<void> {
    this.timers.start(({ data, attempt }) =>
      attemptWakeUp(handlers, data, attempt, this.retry.attempts, this.onError),
    );
    this.sweepIn(handlers, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.sweepTimer);
    await Promise.allSettled([this.timers.stop(), this.sweeping]);
  }

  async status(): Promise<SchedulerStatus> {
    const scheduled = await this.scheduledCount();
    return { adapter: this.adapter, location: 'in-process', scheduled, ...this.timers.health() };
  }

  async scheduledCount(): Promise<number> {
    return this.timers.waitingCount();
  }

  /** The next sweep starts `sweepEveryMs` after the previous one started, or when it ends if it ran longer. */
  private sweepIn(handlers: WakeUpHandlers, delayMs: number): void {
    this.sweepTimer = setTimeout(() => {
      const startedMs = this.clock.now().getTime();
      this.sweeping = Promise.resolve()
        .then(() => handlers.onSweep())
        .catch((error: unknown) => this.onError(error, { source: 'sweep' }))
        .finally(() => {
          this.sweeping = undefined;
          if (this.timers.state === 'started') {
            this.sweepIn(handlers, Math.max(0, startedMs + this.sweepEveryMs - this.clock.now().getTime()));
          }
        });
    }, delayMs);
  }
}
