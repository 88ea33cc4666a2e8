import { Position, RecordedEvent, Subscription, SubscriptionStatus } from './event-store.port';

export interface PollingSubscriptionOptions {
  /** What status() reports it as. */
  readonly name: string;
  readonly from: Position | 'start';
  /** Events strictly after the checkpoint, in global order, at most `batchSize`. */
  readonly fetch: (after: Position | 'start') => Promise<RecordedEvent[]>;
  readonly batchSize: number;
  /** Resolves when new events may be there; must resolve promptly once `signal` aborts. */
  readonly waitForWrites: (signal: AbortSignal) => Promise<void>;
  readonly onStop: () => void;
  /** Stamps the start of an outage. */
  readonly clock: () => Date;
  /** Wait after the first failed read; doubles per failure. Default 100 ms. */
  readonly retryInitialMs?: number;
  /** Longest wait between failed reads. Default 5,000 ms. */
  readonly retryMaxMs?: number;
}

interface Outage {
  readonly since: Date;
  readonly attempts: number;
  readonly detail: string;
}

/**
 * Catch-up then live, by reading the global log in batches: a full batch means more is waiting, so read on
 * at once; a short one means the subscriber is live, so wait for a write (or the poll interval). The
 * checkpoint advances only past delivered events, so a crash or stop redelivers at most what was in flight.
 * A failed read (a dropped connection, a server restart) is retried from the checkpoint after a backoff
 * (100 ms doubling to 5 s, each wait between half and all of that, so that many subscribers do not retry in
 * step): nothing delivered twice, nothing missed, and the outage shows in status() until a read succeeds.
 * An iterator is single-use: iterate it once.
 */
export class PollingSubscription implements Subscription {
  private stopped = false;
  private readonly abort = new AbortController();
  private outage: Outage | undefined;

  constructor(private readonly options: PollingSubscriptionOptions) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let checkpoint = this.options.from;
    try {
      while (!this.stopped) {
        let batch: RecordedEvent[];
        try {
          batch = await this.options.fetch(checkpoint);
        } catch (error) {
          const attempts = (this.outage?.attempts ?? 0) + 1;
          this.outage = {
            since: this.outage?.since ?? this.options.clock(),
            attempts,
            detail: error instanceof Error ? error.message : String(error),
          };
          await this.pause(this.retryDelayMs(attempts));
          continue;
        }
        this.outage = undefined;
        for (const event of batch) {
          if (this.stopped) return;
          yield event;
          checkpoint = event.position;
        }
        if (batch.length < this.options.batchSize && !this.stopped) {
          await this.options.waitForWrites(this.abort.signal);
        }
      }
    } finally {
      this.options.onStop();
    }
  }

  status(): SubscriptionStatus {
    const outage = this.outage;
    if (outage === undefined) return { name: this.options.name, state: 'reading' };
    return {
      name: this.options.name,
      state: 'reconnecting',
      since: outage.since.toISOString(),
      attempts: outage.attempts,
      detail: outage.detail,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
  }

  private retryDelayMs(attempts: number): number {
    const initial = this.options.retryInitialMs ?? 100;
    const max = this.options.retryMaxMs ?? 5_000;
    const delay = Math.min(max, initial * 2 ** Math.min(attempts - 1, 30));
    return delay / 2 + Math.random() * (delay / 2);
  }

  /** Resolves after `ms`, or at once when stopped. */
  private pause(ms: number): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
