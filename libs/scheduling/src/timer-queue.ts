import { type Clock } from '@fristvagt/config';
import { type RetryPolicy, retryDelayMs } from './retry';

/** setTimeout fires at once for a longer delay; a later job is re-armed when this one ends. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One attempt at a job of a {@link TimerQueue}. */
export interface TimerJob<T> {
  readonly id: string;
  readonly data: T;
  /** 1 for the first. */
  readonly attempt: number;
}

export interface TimerQueueOptions {
  /** Every instant is read from here, so a process whose clock is offset runs jobs at its own "now". */
  readonly clock: Clock;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
}

interface Entry<T> {
  readonly id: string;
  readonly data: T;
  /** When it may run: its instant, then the end of each retry delay. */
  dueMs: number;
  attemptsMade: number;
  state: 'waiting' | 'ready' | 'running';
}

/**
 * Jobs as timers in this process, what the in-process adapters share: each id is kept once until its job
 * ends, runs not before its instant, at most `concurrency` at a time, and is retried with backoff while
 * the processor throws and attempts remain. Nothing survives the process.
 */
export class TimerQueue<T> {
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  /** Every job known and not yet ended, by id: the idempotence of `add`. */
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ready: Entry<T>[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private processor?: (job: TimerJob<T>) => Promise<void>;
  private lifecycle: 'new' | 'started' | 'stopped' = 'new';
  private timer?: NodeJS.Timeout;
  private timerDueMs = Infinity;

  constructor(options: TimerQueueOptions) {
    this.clock = options.clock;
    this.concurrency = options.concurrency;
    this.retry = options.retry;
  }

  get state(): 'new' | 'started' | 'stopped' {
    return this.lifecycle;
  }

  /** Keeps the jobs whose ids are not known yet; `dueMs` is on the clock. */
  add(jobs: readonly { readonly id: string; readonly data: T; readonly dueMs: number }[]): void {
    const now = this.clock.now().getTime();
    for (const { id, data, dueMs } of jobs) {
      if (this.entries.has(id)) continue;
      const entry: Entry<T> = { id, data, dueMs, attemptsMade: 0, state: 'waiting' };
      this.entries.set(id, entry);
      // A due job is ready at once rather than on the next timer, so it is not counted as waiting.
      if (dueMs <= now) this.makeReady(entry);
    }
    this.dispatch();
  }

  /** Starts running jobs. Throwing from `processor` retries the job while attempts remain. */
  start(processor: (job: TimerJob<T>) => Promise<void>): void {
    if (this.lifecycle !== 'new')
      throw new Error(`the in-process queue cannot start: it is ${this.lifecycle}`);
    this.processor = processor;
    this.lifecycle = 'started';
    this.dispatch();
  }

  /** Stops running jobs; the ones in flight finish first. */
  async stop(): Promise<void> {
    if (this.lifecycle !== 'stopped') {
      this.lifecycle = 'stopped';
      clearTimeout(this.timer);
    }
    await Promise.allSettled([...this.inFlight]);
  }

  health(): { readonly status: 'up' } | { readonly status: 'down'; readonly detail: string } {
    if (this.lifecycle === 'started') return { status: 'up' };
    return { status: 'down', detail: this.lifecycle === 'new' ? 'not started' : 'stopped' };
  }

  /** Jobs known: waiting for their instant, ready, or running. */
  get size(): number {
    return this.entries.size;
  }

  /** Jobs waiting for their instant or for the end of a retry delay. */
  waitingCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.state === 'waiting') count++;
    return count;
  }

  private makeReady(entry: Entry<T>): void {
    entry.state = 'ready';
    this.ready.push(entry);
  }

  /** Starts what is due, up to the concurrency limit, and arms the timer for the earliest job still waiting. */
  private dispatch(): void {
    if (this.lifecycle !== 'started') return;
    const now = this.clock.now().getTime();
    let earliest = Infinity;
    const due: Entry<T>[] = [];
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

  private async run(entry: Entry<T>): Promise<void> {
    try {
      await this.processor!({ id: entry.id, data: entry.data, attempt: entry.attemptsMade + 1 });
      this.entries.delete(entry.id);
    } catch {
      entry.attemptsMade++;
      if (entry.attemptsMade < this.retry.attempts) {
        entry.dueMs = this.clock.now().getTime() + retryDelayMs(this.retry, entry.attemptsMade);
        entry.state = 'waiting';
      } else {
        this.entries.delete(entry.id);
      }
    }
  }
}
