import { Position, RecordedEvent, Subscription } from './event-store.port';

export interface PollingSubscriptionOptions {
  readonly from: Position | 'start';
  /** Events strictly after the checkpoint, in global order, at most `batchSize`. */
  readonly fetch: (after: Position | 'start') => Promise<RecordedEvent[]>;
  readonly batchSize: number;
  /** Resolves when new events may be there; must resolve promptly once `signal` aborts. */
  readonly waitForWrites: (signal: AbortSignal) => Promise<void>;
  readonly onStop: () => void;
}

/**
 * Catch-up then live, by reading the global log in batches: a full batch means more is waiting, so read on
 * at once; a short one means the subscriber is live, so wait for a write (or the poll interval). The
 * checkpoint advances only past delivered events, so a crash or stop redelivers at most what was in flight.
 * An iterator is single-use: iterate it once.
 */
export class PollingSubscription implements Subscription {
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: PollingSubscriptionOptions) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let checkpoint = this.options.from;
    try {
      while (!this.stopped) {
        const batch = await this.options.fetch(checkpoint);
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
  }
}
