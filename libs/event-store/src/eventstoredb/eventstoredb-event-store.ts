/**
 * EventStoreDB adapter of the EventStore port (gRPC client @eventstore/db-client 6.x, server 22.6+ for
 * event positions on stream reads; developed against 24.10).
 *
 * How the port maps onto EventStoreDB:
 * - Streams, revisions, expected revisions and positions are EventStoreDB's own; nothing is emulated.
 * - Event data and metadata are stored as JSON (`application/json`); metadata carries `recordedAt`, set here
 *   from the injected clock (EventStoreDB's own `created` timestamp is not used).
 * - `$all` also holds EventStoreDB's system events (types and streams starting with `$`); readAll and
 *   subscribe leave them out, and append refuses stream names and event types that start with `$` so that
 *   nothing Fristvagt writes is ever hidden by that filter.
 */
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  Position as EsdbPosition,
  RecordedEvent as EsdbRecordedEvent,
  ResolvedEvent as EsdbResolvedEvent,
  StreamingRead,
} from '@eventstore/db-client';
import { DuplicateEventIdConflict, InvalidAppend, StreamNotFound, WrongExpectedRevision } from '../errors';
import { sameEventContent, validateNewEvents } from '../new-events';
import {
  comparePositions,
  type AdapterHealth,
  type AppendOptions,
  type AppendResult,
  type EventData,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';

const DEFAULT_READ_ALL_MAX_COUNT = 1000;
/** Page size when scanning `$all`; system events are filtered out client-side, so pages may be thinned. */
const READ_ALL_PAGE_SIZE = 1000;
/** Deadline of the reachability check in connect() and health(). */
const PROBE_DEADLINE_MS = 5000;

export interface EventStoreDbEventStoreOptions {
  /** Source of `recordedAt`. Default `() => new Date()`. */
  readonly clock?: () => Date;
}

export class EventStoreDbEventStore implements EventStore {
  private closed = false;
  private readonly live = new Set<EventStoreDbSubscription>();
  private readonly clock: () => Date;

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly target: ConnectionTarget,
    options: EventStoreDbEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Creates a client from an `esdb://` / `esdb+discover://` connection string and checks that the server
   * answers (a backwards read of one event from `$all`). Rejects with an Error that names host:port but
   * never the credentials of the connection string.
   */
  static async connect(
    connectionString: string,
    options: EventStoreDbEventStoreOptions = {},
  ): Promise<EventStoreDbEventStore> {
    const target = parseTarget(connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      // The client's ParseError quotes the whole connection string, credentials included: it is deliberately
      // not attached as `cause`; its message is passed on redacted.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(
        `Invalid EventStoreDB connection string for ${target.location}: ${target.redact(errorMessage(error))}`,
      );
    }
    const problem = await probe(client);
    if (problem !== undefined) {
      await client.dispose().catch(() => undefined);
      throw new Error(`EventStoreDB at ${target.location} is unreachable: ${target.redact(problem)}`);
    }
    return new EventStoreDbEventStore(client, target, options);
  }

  async append(
    streamName: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    validateNewEvents(streamName, events);
    const expected: ExpectedRevision = options.expectedRevision ?? 'any';
    const recordedAt = this.clock().toISOString();
    const proposed = events.map((event) =>
      jsonEvent({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: { ...event.metadata, recordedAt },
      }),
    );

    let nextRevision: bigint;
    let appendPosition: EsdbPosition | undefined;
    try {
      const result = await this.client.appendToStream(streamName, proposed, {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
      nextRevision = result.nextExpectedRevision;
      appendPosition = result.position;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        await this.refuseStoredElsewhere(streamName, events, expected);
        throw new WrongExpectedRevision(streamName, expected, error.actualVersion);
      }
      throw error;
    }

    // Idempotency check. EventStoreDB acknowledges a re-append of ids it already holds at that place in the
    // stream without writing anything and without looking at the content; the port additionally requires
    // DuplicateEventIdConflict when the content differs. So every append reads its own range back
    // ([nextRevision - n + 1 .. nextRevision]) and compares. Cost: one extra stream read of n events per
    // append (a second round trip, and the events' bytes travel back). The read-back also yields the exact
    // position of the last event, which the append response does not give reliably (for a batch it is the
    // write's position, and an idempotent re-append reports none at all).
    const first = nextRevision - BigInt(events.length) + 1n;
    const stored = first >= 0n ? await this.readRange(streamName, first, events.length) : [];
    const idsMatch = stored.length === events.length && stored.every((e, i) => sameId(e.id, events[i].id));
    if (idsMatch) {
      events.forEach((event, i) => {
        if (!sameEventContent(event, stored[i])) {
          throw new DuplicateEventIdConflict(streamName, event.id, 'stored with different content');
        }
      });
    }
    const position = idsMatch ? requirePosition(stored[stored.length - 1]) : appendPosition;
    if (position === undefined) {
      throw new Error(`EventStoreDB did not report the position of the append to ${streamName}`);
    }
    return { nextRevision, position: { commit: position.commit, prepare: position.prepare } };
  }

  /**
   * On a revision conflict, tells a retry that EventStoreDB could not recognise (some of the ids stored
   * where the expected revision puts them, but not all, or not in this order) apart from a plain conflict,
   * as the SQL adapters do. Only possible when the expected revision says where the events belong
   * ('no_stream' or a revision); costs one read of n events, on the conflict path only.
   */
  private async refuseStoredElsewhere(
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<void> {
    const expectedFirst =
      expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : undefined;
    if (expectedFirst === undefined) return;
    const stored = await this.readRange(streamName, expectedFirst, events.length);
    const known = events.find((event) => stored.some((e) => sameId(e.id, event.id)));
    if (known !== undefined) {
      throw new DuplicateEventIdConflict(
        streamName,
        known.id,
        'only some of the events are stored, or in another order',
      );
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    const maxCount = checkMaxCount(options.maxCount);
    // maxCount 0 still has to tell a missing stream apart, so it reads one event and returns none.
    const read = this.client.readStream(streamName, {
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromRevision: from === 'start' ? START : from === 'end' ? END : from,
      maxCount: maxCount === undefined ? Number.MAX_SAFE_INTEGER : Math.max(maxCount, 1),
    });
    const events = await collectStream(read, streamName);
    return maxCount === 0 ? [] : events;
  }

  /**
   * `fromPosition` is exclusive. EventStoreDB's read of `$all` starts AT the given position (inclusive),
   * so events at or before it are dropped here. START_POSITION ({0,0}) counts as 'start'.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = checkMaxCount(options.maxCount) ?? DEFAULT_READ_ALL_MAX_COUNT;
    const result: RecordedEvent[] = [];
    let after = afterPosition(options.fromPosition);
    while (result.length < maxCount) {
      // +1: a page that starts at `after` returns that event again (inclusive), and it is dropped below.
      const pageSize = Math.min(READ_ALL_PAGE_SIZE, maxCount - result.length + 1);
      const read = this.client.readAll({
        direction: FORWARDS,
        fromPosition: after ?? START,
        maxCount: pageSize,
      });
      let seen = 0;
      for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
        seen += 1;
        const event = resolved.event;
        if (event === undefined) continue;
        const position = requirePosition(event);
        if (after !== undefined && comparePositions(position, after) <= 0) continue;
        after = position;
        if (isSystemEvent(event) || result.length >= maxCount) continue;
        result.push(toRecordedEvent(event));
      }
      if (seen < pageSize) break;
    }
    return result;
  }

  /**
   * Catch-up subscription to `$all` (server-side filter excluding `$`-typed events, plus a client-side
   * filter on `$` streams). EventStoreDB's subscription starts strictly after `from`, which is the port's
   * exclusive checkpoint; events at or before it are dropped client-side as well, as a safety net.
   */
  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const after = afterPosition(options.from);
    const source = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: excludeSystemEvents(),
    });
    const subscription = new EventStoreDbSubscription(source, after, (s) => this.live.delete(s));
    this.live.add(subscription);
    return subscription;
  }

  async health(): Promise<AdapterHealth> {
    const base = { adapter: 'eventstoredb', location: this.target.location } as const;
    if (this.closed) return { ...base, status: 'down', detail: 'closed' };
    const problem = await probe(this.client);
    return problem === undefined
      ? { ...base, status: 'up' }
      : { ...base, status: 'down', detail: this.target.redact(problem) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.live].map((s) => s.stop()));
    await this.client.dispose();
  }

  private async readRange(streamName: string, from: bigint, count: number): Promise<RecordedEvent[]> {
    const read = this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision: from,
      maxCount: count,
    });
    try {
      return await collectStream(read, streamName);
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('EventStoreDbEventStore is closed');
  }
}

/** The port's Subscription over the client's catch-up subscription (a Readable). Iterable once. */
class EventStoreDbSubscription implements Subscription {
  private stopped = false;
  private iterated = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly after: Position | undefined,
    private readonly onStop: (subscription: EventStoreDbSubscription) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterated) throw new Error('An EventStoreDB subscription can be iterated only once');
    this.iterated = true;
    return this.events();
  }

  stop(): Promise<void> {
    if (this.stopping === undefined) {
      this.stopped = true;
      this.onStop(this);
      this.stopping = this.source
        .unsubscribe()
        .catch(() => undefined)
        .finally(() => {
          // Ends a pending `for await` even if the cancelled gRPC call never ends the Readable itself.
          this.source.destroy();
        });
    }
    return this.stopping;
  }

  private async *events(): AsyncGenerator<RecordedEvent> {
    try {
      for await (const resolved of this.source as AsyncIterable<AllStreamResolvedEvent>) {
        if (this.stopped) return;
        const event = resolved.event;
        if (event === undefined || isSystemEvent(event)) continue;
        if (this.after !== undefined && comparePositions(requirePosition(event), this.after) <= 0) continue;
        yield toRecordedEvent(event);
      }
    } catch (error) {
      // Destroying the Readable in stop() surfaces as a premature-close error: that is the normal end.
      if (!this.stopped) throw error;
    } finally {
      await this.stop();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

interface ConnectionTarget {
  /** host:port[,host:port...] without credentials. */
  readonly location: string;
  /** Removes the connection string's username and password from a text. */
  redact(text: string): string;
}

function parseTarget(connectionString: string): ConnectionTarget {
  const withoutScheme = connectionString.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split(/[/?#]/, 1)[0] ?? '';
  const at = authority.lastIndexOf('@');
  const hosts = authority.slice(at + 1);
  const location =
    hosts
      .split(',')
      .filter((h) => h.length > 0)
      .map((h) => (/:\d+$/.test(h) ? h : `${h}:2113`))
      .join(',') || '(no host)';
  const secrets = new Set<string>();
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    for (const part of [userInfo, ...userInfo.split(':')]) {
      if (part.length === 0) continue;
      secrets.add(part);
      try {
        secrets.add(decodeURIComponent(part));
      } catch {
        // not percent-encoded
      }
    }
  }
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return {
    location,
    redact: (text) => sorted.reduce((acc, secret) => acc.split(secret).join('***'), text),
  };
}

/** Reads one event backwards from `$all`; returns undefined if the server answered, else what went wrong. */
async function probe(client: EventStoreDBClient): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const read = client.readAll({
    direction: BACKWARDS,
    fromPosition: END,
    maxCount: 1,
    deadline: PROBE_DEADLINE_MS,
  });
  const attempt = (async () => {
    for await (const _ of read) {
      // draining one event is enough
    }
    return undefined;
  })().catch((error: unknown) => errorMessage(error));
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${PROBE_DEADLINE_MS} ms`), PROBE_DEADLINE_MS + 1000);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    read.destroy();
  }
}

async function collectStream(
  read: StreamingRead<EsdbResolvedEvent>,
  streamName: string,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of read) {
      if (resolved.event !== undefined) events.push(toRecordedEvent(resolved.event));
    }
  } catch (error) {
    // A soft-deleted stream reads as not found; a tombstoned one as deleted. Neither has events.
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) {
      throw new StreamNotFound(streamName);
    }
    throw error;
  }
  return events;
}

function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (typeof expected !== 'bigint' || expected < 0n) throw new InvalidAppend('Invalid expected revision');
      return expected;
  }
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** The checkpoint after which to read, or undefined for the start of the log. */
function afterPosition(from: Position | 'start' | undefined): Position | undefined {
  if (from === undefined || from === 'start') return undefined;
  if (from.commit === 0n && from.prepare === 0n) return undefined;
  return { commit: from.commit, prepare: from.prepare };
}

function requirePosition(event: {
  readonly position?: EsdbPosition | Position;
  readonly id: string;
}): Position {
  if (event.position === undefined) {
    throw new Error(
      `EventStoreDB returned event ${event.id} without a position (server 22.6 or later required)`,
    );
  }
  return { commit: event.position.commit, prepare: event.position.prepare };
}

function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.isJson || !isJsonObject(event.data)) {
    throw new Error(
      `Event ${event.id} in ${event.streamId} does not hold a JSON object; not written by Fristvagt`,
    );
  }
  if (!isJsonObject(event.metadata)) {
    throw new Error(`Event ${event.id} in ${event.streamId} has no JSON metadata; not written by Fristvagt`);
  }
  return {
    id: event.id.toLowerCase(), // as the SQL adapters answer it, whatever case it was appended in
    type: event.type,
    data: event.data as EventData,
    metadata: event.metadata as unknown as EventMetadata,
    streamName: event.streamId,
    revision: event.revision,
    position: requirePosition(event),
  };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function checkMaxCount(maxCount: number | undefined): number | undefined {
  if (maxCount === undefined) return undefined;
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) {
    throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  }
  return maxCount;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // gRPC appends an empty "Resolution note:" to connection errors.
  return message.replace(/\s*Resolution note:\s*$/, '').trim();
}
