import { type Clock } from '@fristvagt/config';
import {
  type SchedulerOptions,
  type SchedulerStatus,
  type WakeUp,
  type WakeUpHandlers,
  type WakeUpScheduler,
} from './scheduler.port';
import {
  DEFAULT_RETRY,
  type RetryPolicy,
  retryDelayMs,
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

/** setTimeout fires at once for a longer delay; a later wake-up is re-armed when this one ends. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  readonly id: string;
  readonly wakeUp: WakeUp;
  /** When it may run: its instant, then the end of each retry delay. */
  dueMs: number;
  attemptsMade: number;
  state: 'waiting' | 'ready' | 'running';
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
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly onError: SchedulerErrorListener;

  /** Every wake-up known and not yet done, by id: the idempotence of `schedule`. */
  private readonly entries = new Map<string, Entry>();
  private readonly ready: Entry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private handlers?: WakeUpHandlers;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private timer?: NodeJS.Timeout;
  private timerDueMs = Infinity;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(options: InProcessSchedulerOptions) {
    this.clock = options.clock;
    this.horizonMs = options.horizonMs;
    this.sweepEveryMs = options.sweepEveryMs;
    this.concurrency = options.concurrency ?? 50;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onError = options.onError ?? (() => undefined);
  }

  async schedule(wakeUps: readonly WakeUp[]): Promise<void> {
    if (this.state === 'stopped') throw new SchedulerUnavailable('the in-process scheduler is stopped');
    const now = this.clock.now().getTime();
    for (const wakeUp of wakeUps) {
      const dueMs = wakeUpInstantMs(wakeUp);
      if (dueMs > now + this.horizonMs) continue;
      const id = wakeUpId(wakeUp);
      if (this.entries.has(id)) continue;
      const entry: Entry = { id, wakeUp, dueMs, attemptsMade: 0, state: 'waiting' };
      this.entries.set(id, entry);
      // A due wake-up is ready at once rather than on the next timer, so it is not counted as waiting.
      if (dueMs <= now) this.makeReady(entry);
    }
    this.dispatch();
  }

  async start(handlers: WakeUpHandlers): Promise<void> {
    if (this.state !== 'new') throw new Error(`the in-process scheduler cannot start: it is ${this.state}`);
    this.handlers = handlers;
    this.state = 'started';
    this.dispatch();
    this.sweepIn(0);
  }

  async stop(): Promise<void> {
    if (this.state !== 'stopped') {
      this.state = 'stopped';
      clearTimeout(this.timer);
      clearTimeout(this.sweepTimer);
    }
    await Promise.allSettled([...this.inFlight, this.sweeping]);
  }

  async status(): Promise<SchedulerStatus> {
    const scheduled = await this.scheduledCount();
    return this.state === 'started'
      ? { adapter: this.adapter, status: 'up', location: 'in-process', scheduled }
      : {
          adapter: this.adapter,
          status: 'down',
          location: 'in-process',
          scheduled,
          detail: this.state === 'new' ? 'not started' : 'stopped',
        };
  }

  async scheduledCount(): Promise<number> {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.state === 'waiting') count++;
    return count;
  }

  private makeReady(entry: Entry): void {
    entry.state = 'ready';
    this.ready.push(entry);
  }

  /** Starts what is due, up to the concurrency limit, and arms the timer for the earliest one still waiting. */
  private dispatch(): void {
    if (this.state !== 'started') return;
    const now = this.clock.now().getTime();
    let earliest = Infinity;
    const due: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (entry.state !== 'waiting') continue;
      if (entry.dueMs <= now) due.push(entry);
      else earliest = Math.min(earliest, entry.dueMs);
    }
    due.sort((a, b) => a.dueMs - b.dueMs).forEach((entry) => this.makeReady(entry));

    while (this.inFlight.size < this.concurrency && this.ready.length > 0) {
      const entry = this.ready.shift()!;
      entry.state = 'running';
      const run = this.run(entry).finally(() => {
        this.inFlight.delete(run);
        this.dispatch();
      });
      this.inFlight.add(run);
    }

    if (earliest === this.timerDueMs && this.timer !== undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueMs = earliest;
    if (earliest === Infinity) return;
    // Re-checked against the clock when it fires: never early, whatever the clock is.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.dispatch();
      },
      Math.min(earliest - now, MAX_TIMER_MS),
    );
  }

  private async run(entry: Entry): Promise<void> {
    try {
      await this.handlers!.onWakeUp(entry.wakeUp);
      this.entries.delete(entry.id);
    } catch (error) {
      entry.attemptsMade++;
      const retrying = entry.attemptsMade < this.retry.attempts;
      this.onError(error, {
        source: 'wake-up',
        wakeUp: entry.wakeUp,
        attemptsMade: entry.attemptsMade,
        retrying,
      });
      if (retrying) {
        entry.dueMs = this.clock.now().getTime() + retryDelayMs(this.retry, entry.attemptsMade);
        entry.state = 'waiting';
      } else {
        this.entries.delete(entry.id);
      }
    }
  }

  /** The next sweep starts `sweepEveryMs` after the previous one started, or when it ends if it ran longer. */
  private sweepIn(delayMs: number): void {
    this.sweepTimer = setTimeout(() => {
      const startedMs = this.clock.now().getTime();
      this.sweeping = Promise.resolve()
        .then(() => this.handlers!.onSweep())
        .catch((error: unknown) => this.onError(error, { source: 'sweep' }))
        .finally(() => {
          this.sweeping = undefined;
          if (this.state === 'started') {
            this.sweepIn(Math.max(0, startedMs + this.sweepEveryMs - this.clock.now().getTime()));
          }
        });
    }, delayMs);
  }
}
