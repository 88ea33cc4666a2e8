import {
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';
import { KeyedQueue } from './keyed-queue';

/** A case stream as read: its events and the revision of the last one (null: no such stream yet). */
export interface LoadedStream {
  readonly events: RecordedEvent[];
  readonly revision: bigint | null;
}

/** What one attempt decided: an answer without writing, or events to append at the revision that was read. */
export type Decision<T> =
  | { readonly kind: 'answer'; readonly value: T }
  | {
      readonly kind: 'append';
      readonly events: readonly NewEvent[];
      /** Builds the answer from the events as written (with their revisions) and the append's result. */
      readonly answer: (written: ReadonlyArray<NewEvent & { revision: bigint }>, result: AppendResult) => T;
    };

export interface LoadDecideAppendOptions {
  /**
   * How long a conflict with a concurrent writer (another process: the ones of this process wait their turn)
   * is retried, counted from the first attempt, before StreamKeptChanging. Default 5,000 ms.
   */
  readonly retryForMs?: number;
  /** At most this many attempts, however little time they took. Default: only `retryForMs` bounds them. */
  readonly maxAttempts?: number;
  /** Back off between attempts (growing, with jitter). Default true; false for callers that pinned a revision. */
  readonly backOff?: boolean;
  /**
   * How long to wait for the stream's turn in this process before QueueWaitTimeout. Default 10,000 ms: a
   * batch of a few hundred commands to one case gets through, a store call that hangs does not hold every
   * command behind it for ever.
   */
  readonly maxQueueWaitMs?: number;
  /**
   * The stream as this caller read it a moment ago, in an attempt that stopped to load something the decision
   * asked for (the youth's history, a municipality's settings): the first attempt decides on it instead of
   * reading the stream again. Safe, because the append still expects the revision it was read at: a stream
   * that moved since fails the append, and the next attempt reads it.
   */
  readonly alreadyRead?: LoadedStream;
}

/** The stream kept changing under every attempt; the caller decides what to answer (409, retry later, ...). */
export class StreamKeptChanging extends Error {
  readonly code = 'stream-revision-conflict';
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`The stream kept changing while the command was decided (${attempts} attempts in ${elapsedMs} ms)`);
    this.name = 'StreamKeptChanging';
  }
}

export const DEFAULT_RETRY_FOR_MS = 5_000;
export const DEFAULT_MAX_QUEUE_WAIT_MS = 10_000;

/** One queue per store: every writer of this process that shares the store shares the turns of a stream. */
const queues = new WeakMap<EventStore, KeyedQueue>();

/** The queue of the writers of `store` in this process, keyed by stream name. */
export function streamQueue(store: EventStore): KeyedQueue {
  let queue = queues.get(store);
  if (queue === undefined) {
    queue = new KeyedQueue();
    queues.set(store, queue);
  }
  return queue;
}

/**
 * The one write path of a case, for the API's commands and the worker's wake-ups alike: read the stream,
 * let `decide` look at it, append what it decided at the revision that was read. A concurrent writer makes
 * the append fail with WrongExpectedRevision; then the stream is read again and `decide` runs again on the
 * new state, so a decision is never taken on a state it did not see.
 *
 * The writers of one stream in this process take turns (streamQueue), so a batch sent to one case does not
 * collide with itself; streams of different cases are written side by side. Only writers in other processes
 * can then conflict, and those are retried with growing back-off for `retryForMs`.
 */
export function loadDecideAppend<T>(
  store: EventStore,
  stream: string,
  decide: (loaded: LoadedStream, attempt: number) => Decision<T>,
  options: LoadDecideAppendOptions = {},
): Promise<T> {
  return streamQueue(store).run(stream, () => decideUntilAppended(store, stream, decide, options), {
    maxWaitMs: options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS,
  });
}

async function decideUntilAppended<T>(
  store: EventStore,
  stream: string,
  decide: (loaded: LoadedStream, attempt: number) => Decision<T>,
  options: LoadDecideAppendOptions,
): Promise<T> {
  const retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const reused = attempt === 1 ? options.alreadyRead : undefined;
    const loaded = reused ?? (await loadStream(store, stream));
    const decision = decide(loaded, attempt);
    if (decision.kind === 'answer') return decision.value;
    if (decision.events.length === 0) {
      return decision.answer([], {
        nextRevision: loaded.revision ?? -1n,
        position: { commit: 0n, prepare: 0n },
      });
    }
    let appended: AppendResult;
    try {
      appended = await store.append(stream, decision.events, {
        expectedRevision: loaded.revision ?? 'no_stream',
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision)) throw error;
      // A stale alreadyRead is this caller's own doing, not a concurrent writer's: read again at once.
      const pause = options.backOff === false || reused !== undefined ? 0 : backOffMs(attempt);
      const elapsed = performance.now() - started;
      if (attempt >= maxAttempts || elapsed + pause > retryForMs) {
        throw new StreamKeptChanging(attempt, Math.round(elapsed));
      }
      if (pause > 0) await sleep(pause);
      continue;
    }
    const first = appended.nextRevision - BigInt(decision.events.length - 1);
    const written = decision.events.map((event, i) => ({ ...event, revision: first + BigInt(i) }));
    return decision.answer(written, appended);
  }
}

/** A stream's events as loadDecideAppend decides on them: with the revision of the last (null: none yet). */
export function loadedStreamOf(events: RecordedEvent[]): LoadedStream {
  return { events, revision: events.at(-1)?.revision ?? null };
}

export async function loadStream(store: EventStore, stream: string): Promise<LoadedStream> {
  try {
    return loadedStreamOf(await store.readStream(stream));
  } catch (error) {
    if (error instanceof StreamNotFound) return { events: [], revision: null };
    throw error;
  }
}

const FIRST_BACK_OFF_MS = 4;
const MAX_BACK_OFF_MS = 250;

/**
 * The pause after the `attempt`th conflict: a ceiling that doubles from 4 ms up to 250 ms, and a random
 * point in its upper half, so writers that collided spread out and a long run of conflicts does not spin.
 */
export function backOffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACK_OFF_MS, FIRST_BACK_OFF_MS * 2 ** (attempt - 1));
  return (ceiling / 2) * (1 + random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
