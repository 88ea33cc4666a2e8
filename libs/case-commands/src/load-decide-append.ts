import {
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';

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
  /** Attempts before giving up on a stream that keeps changing. Default 5. */
  readonly maxAttempts?: number;
  /** Back off between attempts (with jitter). Default true; false for callers that pinned a revision. */
  readonly backOff?: boolean;
}

/** The stream kept changing under every attempt; the caller decides what to answer (409, retry later, ...). */
export class StreamKeptChanging extends Error {
  readonly code = 'stream-revision-conflict';
  constructor(readonly attempts: number) {
    super(`The stream kept changing while the command was decided (${attempts} attempts)`);
    this.name = 'StreamKeptChanging';
  }
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The one write path of a case, for the API's commands and the worker's wake-ups alike: read the stream,
 * let `decide` look at it, append what it decided at the revision that was read. A concurrent writer makes
 * the append fail with WrongExpectedRevision; then the stream is read again and `decide` runs again on the
 * new state, so a decision is never taken on a state it did not see.
 */
export async function loadDecideAppend<T>(
  store: EventStore,
  stream: string,
  decide: (loaded: LoadedStream, attempt: number) => Decision<T>,
  options: LoadDecideAppendOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadStream(store, stream);
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
      if (attempt >= maxAttempts) throw new StreamKeptChanging(attempt);
      if (options.backOff !== false) await pause(attempt);
      continue;
    }
    const first = appended.nextRevision - BigInt(decision.events.length - 1);
    const written = decision.events.map((event, i) => ({ ...event, revision: first + BigInt(i) }));
    return decision.answer(written, appended);
  }
}

export async function loadStream(store: EventStore, stream: string): Promise<LoadedStream> {
  try {
    const events = await store.readStream(stream);
    const last = events[events.length - 1];
    // Empty only if the stream was created between the store's read and its existence check: treat it
    // as not there yet; the append at 'no_stream' then conflicts and the next attempt reads it.
    return { events, revision: last === undefined ? null : last.revision };
  } catch (error) {
    if (error instanceof StreamNotFound) return { events: [], revision: null };
    throw error;
  }
}

/** Back off a little, with jitter, so retries of writers that collided do not collide again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}
