/**
 * The EventStore port, modelled on EventStoreDB. Every adapter (PostgreSQL, PGlite, EventStoreDB)
 * implements exactly this and is held to it by one contract suite (test/event-store/contract.ts).
 */

/** Where a stream must be for an append to succeed. A bigint is the revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * A place in the global log, as in EventStoreDB: `commit` orders transactions, `prepare` orders events
 * within one. Positions compare as the pair (commit, prepare). On PostgreSQL, `commit` is the writing
 * transaction's id, which is what makes checkpoints safe under concurrent writers (see docs/architecture.md).
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Metadata every event carries. `recordedAt` is set by the store when it stores the event. */
export interface EventMetadata {
  /** Kommunekode of the municipality that owns the case: three digits, e.g. "461". */
  readonly municipality: string;
  /** Who caused the event: an API principal id, "system", "scheduler", ... Never a person's name or CPR. */
  readonly actor: string;
  /** When it happened in the world (business time), ISO-8601 UTC with `Z`, supplied by the caller. */
  readonly occurredAt: string;
  /** When Fristvagt stored it (record time), ISO-8601 UTC with `Z`, set by the store. */
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** Version of the event type's data schema; old versions are upcast on read, never rewritten. */
  readonly schemaVersion: number;
  /**
   * Set on the events one API request appended: a keyed hash of the caller's Idempotency-Key (scoped to
   * the caller) and a hash of the request, so a retry finds its own events in the stream, atomically with them.
   */
  readonly idempotency?: { readonly key: string; readonly request: string };
}

export type NewEventMetadata = Omit<EventMetadata, 'recordedAt'>;

/** JSON-serialisable event data. */
export type EventData = Record<string, unknown>;

export interface NewEvent<D extends EventData = EventData> {
  /** UUID chosen by the writer, in either case; the idempotency key of the append. Read back in lower case. */
  readonly id: string;
  readonly type: string;
  readonly data: D;
  readonly metadata: NewEventMetadata;
}

export interface RecordedEvent<D extends EventData = EventData> {
  readonly id: string;
  readonly type: string;
  readonly data: D;
  readonly metadata: EventMetadata;
  readonly streamName: string;
  /** 0-based revision of the event in its stream. */
  readonly revision: bigint;
  readonly position: Position;
}

export interface AppendOptions {
  /** Default `'any'`. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's revision after the append (the revision of its last event); pass it as the next expectedRevision. */
  readonly nextRevision: bigint;
  /** Position of the last event written. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** Inclusive start revision; `'start'` (default forwards) or `'end'` (default backwards). */
  readonly from?: bigint | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  /** Default: all. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default `'start'` (all events). */
  readonly fromPosition?: Position | 'start';
  /** Default 1,000. */
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the subscription delivers events strictly after it. Default `'start'`. */
  readonly from?: Position | 'start';
  /** What /health calls it, e.g. the read model it feeds. Default `subscription-<n>`. */
  readonly name?: string;
}

/**
 * A catch-up subscription to the global log: first every stored event after the checkpoint, then live
 * writes, in global order, at least once. Iterate it with `for await`; `stop()` ends the iteration.
 * When a read fails (a dropped connection, a restarting server) it retries with backoff from its last
 * delivered position, by itself, and reports the outage in `status()` meanwhile.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  stop(): Promise<void>;
  status?(): SubscriptionStatus;
}

export interface SubscriptionStatus {
  readonly name: string;
  /** `reconnecting`: its last read failed and it is retrying with backoff. */
  readonly state: 'reading' | 'reconnecting';
  /** When the current outage began (ISO-8601 UTC), while reconnecting. */
  readonly since?: string;
  /** Failed reads in the current outage. */
  readonly attempts?: number;
  /** The last read's error, while reconnecting. */
  readonly detail?: string;
}

export interface AdapterHealth {
  readonly adapter: 'postgres' | 'pglite' | 'eventstoredb';
  readonly status: 'up' | 'down';
  /** Where it is, without credentials: host:port/db, data folder, or endpoint. */
  readonly location: string;
  readonly detail?: string;
}

export interface EventStore {
  /** All or nothing. Idempotent on event ids (see DuplicateEventIdConflict). */
  append(streamName: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFound for a stream with no events. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * readAll's events, handed to `onEvent` one by one as they are decoded; resolves with how many. A reader that
   * keeps only what it needs of each event lets the rest go while the read goes on, instead of holding the
   * whole batch: for rebuilds, where reading the log is most of the client's work (docs/benchmarks.md,
   * "Deadline engine"). An error thrown by `onEvent` fails the read. Adapters that have nothing better than
   * readAll leave it out.
   */
  readAllEach?(options: ReadAllOptions, onEvent: (event: RecordedEvent) => void): Promise<number>;
  /**
   * Several whole streams in one read (one round trip, one snapshot): each name's events forwards, `[]` for a
   * stream that has none (no StreamNotFound). For a command that needs a short stream or two beside its case
   * (a municipality's settings). Adapters that can only read stream by stream leave it out.
   */
  readStreams?(streamNames: readonly string[]): Promise<ReadonlyMap<string, RecordedEvent[]>>;
  subscribe(options?: SubscribeOptions): Subscription;
  /**
   * Every committed event of these types after `after`, without waiting for what is still running: for read
   * models that are sets and must see a write as soon as it answered. Never advance a checkpoint with it.
   * Adapters whose readAll sees every committed append at once leave it out.
   */
  readCommittedAfter?(
    after: Position | 'start',
    types: readonly string[],
    maxCount: number,
  ): Promise<RecordedEvent[]>;
  /** The live subscriptions of this store instance and whether each is reading or reconnecting. */
  subscriptions?(): readonly SubscriptionStatus[];
  health(): Promise<AdapterHealth>;
  close(): Promise<void>;
}

/** Nest injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EventStore');

export const START_POSITION: Position = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * A position as an opaque token for clients (`commit:prepare`, both decimal), e.g. the `position` of a
 * command's response, which a read-model query accepts as `minPosition` to wait until it is reflected.
 */
export function formatPosition(position: Position): string {
  return `${position.commit}:${position.prepare}`;
}

/** The inverse of formatPosition; undefined for anything else. */
export function parsePosition(token: string): Position | undefined {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(token);
  if (match === null) return undefined;
  const commit = BigInt(match[1]);
  const prepare = BigInt(match[2]);
  if (commit >= 2n ** 64n || prepare >= 2n ** 64n) return undefined;
  return { commit, prepare };
}
