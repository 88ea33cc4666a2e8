import {
  comparePositions,
  DuplicateEventIdConflict,
  EventStore,
  InvalidAppend,
  NewEvent,
  RecordedEvent,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';
import { headPosition, newEvent, streamName } from '../support/events';

/** What a contract run needs from an adapter's test file. */
export interface ContractSubject {
  /** The store under test, with its clock pinned to `FIXED_NOW`. */
  store: EventStore;
  /** Closes and opens the same storage again (durability). */
  reopen(): Promise<EventStore>;
  /**
   * Appends inside a transaction that stays open for `delayMs` after writing, so that commit order differs
   * from position order. Adapters without client-side transactions append plainly.
   */
  appendWithDelayInside(stream: string, events: readonly NewEvent[], delayMs: number): Promise<void>;
}

export const FIXED_NOW = new Date('2026-11-23T12:00:00.000Z');

export interface ManagedSubject extends ContractSubject {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A subject over `open()`. Without `appendWithDelayInside` the delay comes before a plain append: for
 * adapters that cannot hold a transaction open from the client (PGlite runs one at a time, EventStoreDB has
 * none), which therefore cannot reorder commits that way either.
 */
export function managedSubject(
  open: () => Promise<EventStore>,
  appendWithDelayInside?: ContractSubject['appendWithDelayInside'],
): ManagedSubject {
  let store: EventStore;
  return {
    get store() {
      return store;
    },
    async start() {
      store = await open();
    },
    async stop() {
      await store?.close();
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    appendWithDelayInside:
      appendWithDelayInside ??
      (async (stream, events, delayMs) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await store.append(stream, events);
      }),
  };
}

export interface OrderingOptions {
  writers: number;
  appendsPerWriter: number;
  maxDelayMs: number;
}

/** 16+ writers with random delays inside their transactions while a subscriber follows the global log. */
export async function runOrderingScenario(subject: ContractSubject, options: OrderingOptions): Promise<void> {
  const { store } = subject;
  const from = await headPosition(store);
  const subscription = store.subscribe({ from });
  const streams = Array.from({ length: options.writers }, (_, w) => [
    streamName(`ord${w}a`),
    streamName(`ord${w}b`),
  ]);
  const expected = new Set<string>();

  const seen: RecordedEvent[] = [];
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    (async () => {
      for await (const event of subscription) {
        seen.push(event);
        if (total > 0 && seen.length >= total) break;
      }
      resolve();
    })().catch(reject);
  });

  await Promise.all(
    streams.map(async (own, w) => {
      for (let i = 0; i < options.appendsPerWriter; i++) {
        const size = 1 + ((w + i) % 3);
        const events = Array.from({ length: size }, () => newEvent('Ordered', { w, i }));
        events.forEach((e) => expected.add(e.id));
        await subject.appendWithDelayInside(own[i % 2], events, Math.random() * options.maxDelayMs);
      }
    }),
  );
  total = expected.size;
  const deadline = setTimeout(() => void subscription.stop(), 30_000);
  await done;
  clearTimeout(deadline);
  await subscription.stop();

  const ids = seen.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length); // exactly once
  expect(ids.filter((id) => expected.has(id)).length).toBe(expected.size); // nothing missed
  for (let i = 1; i < seen.length; i++) {
    expect(comparePositions(seen[i - 1].position, seen[i].position)).toBe(-1);
  }
  const lastRevision = new Map<string, bigint>();
  for (const event of seen) {
    const previous = lastRevision.get(event.streamName) ?? -1n;
    expect(event.revision).toBe(previous + 1n); // each stream in revision order, without gaps
    lastRevision.set(event.streamName, event.revision);
  }
}

/** The EventStore port's specification. Every adapter runs it. */
export function eventStoreContract(getSubject: () => ContractSubject): void {
  async function readOutcome(name: string): Promise<string> {
    try {
      const events = await store().readStream(name);
      return events.length === 1 ? '1 event' : `${events.length} events`;
    } catch (error) {
      if ((error as { code?: string }).code === 'stream-not-found') return 'not-found';
      throw error;
    }
  }

  const store = () => getSubject().store;

  describe('append', () => {
    it('creates a stream at revision 0 and stamps recordedAt from the store clock', async () => {
      const stream = streamName();
      const event = newEvent('PoliceDocumentationReceived', {
        kind: 'weekly-report',
        offences: ['violence'],
      });
      const result = await store().append(stream, [event], { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(0n);
      const [read] = await store().readStream(stream);
      expect(read).toEqual({
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: { ...event.metadata, recordedAt: FIXED_NOW.toISOString() },
        streamName: stream,
        revision: 0n,
        position: result.position,
      });
    });

    it('appends a batch all or nothing, with consecutive revisions', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent()], { expectedRevision: 'no_stream' });
      const result = await store().append(stream, [newEvent(), newEvent(), newEvent()], {
        expectedRevision: 0n,
      });
      expect(result.nextRevision).toBe(3n);
      expect((await store().readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    });

    it('refuses a wrong expected revision with expected and actual, writing nothing', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent(), newEvent()]);
      const error = await store()
        .append(stream, [newEvent()], { expectedRevision: 0n })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevision);
      expect(error).toMatchObject({ expected: 0n, actual: 1n, code: 'stream-revision-conflict' });
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it("refuses 'no_stream' on an existing stream and 'stream_exists' on a missing one", async () => {
      const stream = streamName();
      await store().append(stream, [newEvent()]);
      await expect(
        store().append(stream, [newEvent()], { expectedRevision: 'no_stream' }),
      ).rejects.toMatchObject({
        name: 'WrongExpectedRevision',
        actual: 0n,
      });
      const missing = streamName();
      await expect(
        store().append(missing, [newEvent()], { expectedRevision: 'stream_exists' }),
      ).rejects.toMatchObject({
        name: 'WrongExpectedRevision',
        expected: 'stream_exists',
        actual: 'no_stream',
      });
      await expect(store().readStream(missing)).rejects.toBeInstanceOf(StreamNotFound);
      expect(await store().readStream(stream)).toHaveLength(1);
    });

    it("appends with 'stream_exists' and 'any'", async () => {
      const stream = streamName();
      expect((await store().append(stream, [newEvent()], { expectedRevision: 'any' })).nextRevision).toBe(0n);
      expect(
        (await store().append(stream, [newEvent()], { expectedRevision: 'stream_exists' })).nextRevision,
      ).toBe(1n);
      expect((await store().append(stream, [newEvent()])).nextRevision).toBe(2n);
    });

    it('refuses malformed appends before storing anything', async () => {
      const stream = streamName();
      await expect(store().append(stream, [])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().append(stream, [{ ...newEvent(), id: 'not-a-uuid' }])).rejects.toBeInstanceOf(
        InvalidAppend,
      );
      const twice = newEvent();
      await expect(store().append(stream, [twice, twice])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().append('$system', [newEvent()])).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store().readStream(stream)).rejects.toBeInstanceOf(StreamNotFound);
    });
  });

  describe('idempotency on event ids', () => {
    it('returns the original result for a repeated append and writes nothing', async () => {
      const stream = streamName();
      const events = [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })];
      const first = await store().append(stream, events, { expectedRevision: 'no_stream' });
      const before = await headPosition(store());
      const again = await store().append(stream, events, { expectedRevision: 'no_stream' });
      expect(again).toEqual(first);
      expect(await headPosition(store())).toEqual(before);
      expect(await store().readStream(stream)).toHaveLength(2);
    });

    it('knows a repeated append whose ids are written in upper case, or in the other case', async () => {
      const stream = streamName();
      const events = [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })].map((e) => ({
        ...e,
        id: e.id.toUpperCase(),
      }));
      const first = await store().append(stream, events, { expectedRevision: 'no_stream' });
      const before = await headPosition(store());
      expect(await store().append(stream, events, { expectedRevision: 'no_stream' })).toEqual(first);
      const lower = events.map((e) => ({ ...e, id: e.id.toLowerCase() }));
      expect(await store().append(stream, lower, { expectedRevision: 'no_stream' })).toEqual(first);
      expect(await headPosition(store())).toEqual(before);
      expect((await store().readStream(stream)).map((e) => e.id)).toEqual(lower.map((e) => e.id));
    });

    it('treats a retry after the stream moved on as the original append', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent()]);
      const events = [newEvent('Retried', { key: 'value', nested: { a: 1, b: [1, 2] } })];
      const first = await store().append(stream, events, { expectedRevision: 0n });
      await store().append(stream, [newEvent()], { expectedRevision: 1n });
      // Same content with keys in another order is the same event.
      const reordered = [{ ...events[0], data: { nested: { b: [1, 2], a: 1 }, key: 'value' } }];
      expect(await store().append(stream, reordered, { expectedRevision: 0n })).toEqual(first);
      expect(await store().append(stream, events)).toEqual(first);
      expect(await store().readStream(stream)).toHaveLength(3);
    });

    it('refuses the same id with different content', async () => {
      const stream = streamName();
      const event = newEvent('A', { n: 1 });
      await store().append(stream, [event]);
      const changed = { ...event, data: { n: 2 } };
      await expect(store().append(stream, [changed])).rejects.toBeInstanceOf(DuplicateEventIdConflict);
      await expect(store().append(stream, [{ ...event, type: 'B' }])).rejects.toMatchObject({
        code: 'duplicate-event-id-conflict',
      });
      expect((await store().readStream(stream)).map((e) => e.data)).toEqual([{ n: 1 }]);
    });

    it('refuses an id stored in another stream, and a batch that repeats only some ids, writing nothing', async () => {
      const a = streamName();
      const b = streamName();
      const event = newEvent();
      await store().append(a, [event]);
      await expect(store().append(b, [event])).rejects.toBeInstanceOf(DuplicateEventIdConflict);
      await expect(store().append(a, [newEvent(), event])).rejects.toBeInstanceOf(DuplicateEventIdConflict);
      await expect(store().readStream(b)).rejects.toBeInstanceOf(StreamNotFound);
      expect(await store().readStream(a)).toHaveLength(1);
    });
  });

  describe('concurrent appends to one stream', () => {
    it('lets exactly one of many writers with the same expected revision win, with its whole batch', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent()]);
      const batches = Array.from({ length: 12 }, (_, w) => [newEvent('W', { w }), newEvent('W', { w })]);
      const outcomes = await Promise.allSettled(
        batches.map((events) => store().append(stream, events, { expectedRevision: 0n })),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
      }
      const events = await store().readStream(stream);
      expect(events).toHaveLength(3);
      expect(events[1].data).toEqual(events[2].data); // both events of one writer, nothing of the others
    });

    it("serialises concurrent 'any' appends without gaps or losses", async () => {
      const stream = streamName();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store().append(stream, [newEvent('N', { i })])),
      );
      expect(results.map((r) => r.nextRevision).sort((x, y) => Number(x - y))).toEqual(
        Array.from({ length: 20 }, (_, i) => BigInt(i)),
      );
      expect(await store().readStream(stream)).toHaveLength(20);
    });
  });

  describe('readStream', () => {
    it('reads forwards and backwards from a revision, at most maxCount', async () => {
      const stream = streamName();
      await store().append(
        stream,
        Array.from({ length: 10 }, (_, i) => newEvent('N', { i })),
      );
      const revs = (events: RecordedEvent[]) => events.map((e) => Number(e.revision));
      expect(revs(await store().readStream(stream, { from: 3n, maxCount: 4 }))).toEqual([3, 4, 5, 6]);
      expect(revs(await store().readStream(stream, { direction: 'backwards', maxCount: 3 }))).toEqual([
        9, 8, 7,
      ]);
      expect(revs(await store().readStream(stream, { direction: 'backwards', from: 2n }))).toEqual([2, 1, 0]);
      expect(await store().readStream(stream, { from: 10n })).toEqual([]);
    });

    it('orders revisions as numbers, not text, past 9 and 99', async () => {
      const stream = streamName();
      await store().append(
        stream,
        Array.from({ length: 120 }, (_, i) => newEvent('N', { i })),
      );
      const forwards = await store().readStream(stream);
      expect(forwards.map((e) => e.data.i)).toEqual(Array.from({ length: 120 }, (_, i) => i));
      const backwards = await store().readStream(stream, { direction: 'backwards', from: 101n, maxCount: 4 });
      expect(backwards.map((e) => Number(e.revision))).toEqual([101, 100, 99, 98]);
      const all = await store().readAll({ fromPosition: forwards[8].position, maxCount: 3 });
      expect(all.map((e) => e.data.i)).toEqual([9, 10, 11]);
    });

    it('throws StreamNotFound for a stream that has no events', async () => {
      await expect(store().readStream(streamName())).rejects.toMatchObject({ code: 'stream-not-found' });
    });

    it('reads no events, but no StreamNotFound, past the end of a stream or with maxCount 0', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent('N', { i: 0 }), newEvent('N', { i: 1 })]);
      expect(await store().readStream(stream, { from: 2n })).toEqual([]);
      expect(await store().readStream(stream, { maxCount: 0 })).toEqual([]);
      expect(await store().readStream(stream, { direction: 'backwards', maxCount: 0 })).toEqual([]);
      const missing = streamName();
      for (const options of [
        { from: 2n },
        { maxCount: 0 },
        { direction: 'backwards', maxCount: 0 },
        { direction: 'backwards' },
      ] as const) {
        await expect(store().readStream(missing, options)).rejects.toBeInstanceOf(StreamNotFound);
      }
    });

    it('never reads a stream being created as empty: StreamNotFound or its events', async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 20; round++) {
        const name = streamName();
        const writing = store().append(name, [newEvent('Created', { round })], {
          expectedRevision: 'no_stream',
        });
        let done = false;
        void writing.finally(() => {
          done = true;
        });
        // Read as fast as possible while the first append commits, and once more after it.
        while (!done) outcomes.push(await readOutcome(name));
        await writing;
        outcomes.push(await readOutcome(name));
      }
      expect(outcomes.filter((outcome) => outcome !== 'not-found' && outcome !== '1 event')).toEqual([]);
    });
  });

  describe('readAll', () => {
    it('returns events after a position, exclusive, in strictly increasing positions', async () => {
      const from = await headPosition(store());
      const a = streamName();
      const b = streamName();
      await store().append(a, [newEvent('N', { n: 0 }), newEvent('N', { n: 1 })]);
      await store().append(b, [newEvent('N', { n: 2 })]);
      await store().append(a, [newEvent('N', { n: 3 })]);
      const all = await store().readAll({ fromPosition: from, maxCount: 100 });
      expect(all.map((e) => e.data.n)).toEqual([0, 1, 2, 3]);
      for (let i = 1; i < all.length; i++)
        expect(comparePositions(all[i - 1].position, all[i].position)).toBe(-1);
      const rest = await store().readAll({ fromPosition: all[1].position, maxCount: 1 });
      expect(rest.map((e) => e.data.n)).toEqual([2]);
    });
  });

  describe('subscribe', () => {
    it('catches up from a checkpoint, then follows live writes, until stopped', async () => {
      const stream = streamName();
      await store().append(stream, [newEvent('N', { n: 0 })]);
      const checkpoint = (await store().readStream(stream))[0].position;
      await store().append(stream, [newEvent('N', { n: 1 }), newEvent('N', { n: 2 })]);
      const subscription = store().subscribe({ from: checkpoint });
      const received: number[] = [];
      const consumed = (async () => {
        for await (const event of subscription) {
          if (event.streamName !== stream) continue;
          received.push(event.data.n as number);
          if (received.length === 2) await store().append(stream, [newEvent('N', { n: 3 })]);
          if (received.length === 3) await subscription.stop();
        }
      })();
      await consumed;
      expect(received).toEqual([1, 2, 3]);
    });
  });

  describe('durability', () => {
    it('keeps every event across a close and reopen', async () => {
      const stream = streamName();
      const result = await store().append(stream, [newEvent('Kept', { n: 1 })]);
      const reopened = await getSubject().reopen();
      const [event] = await reopened.readStream(stream);
      expect(event).toMatchObject({ type: 'Kept', data: { n: 1 }, position: result.position });
    });
  });

  describe('global ordering', () => {
    it('ordering: a subscriber following 16 concurrent writers sees every event once, each stream in order', async () => {
      await runOrderingScenario(getSubject(), { writers: 16, appendsPerWriter: 15, maxDelayMs: 20 });
    }, 60_000);
  });
}

/**
 * readAllEach, for the adapters that have it (PostgreSQL and PGlite; EventStoreDB's readAll is all it has): the
 * same events as readAll, handed over one by one.
 */
/** For adapters with readStreams (the SQL ones). */
export function readStreamsContract(getSubject: () => ContractSubject): void {
  const store = () => getSubject().store;

  describe('readStreams', () => {
    it('reads several whole streams at once, each in order, [] for one without events', async () => {
      const a = streamName();
      const odd = `${streamName()}-"quoted", with a \\ backslash`;
      const missing = streamName();
      const other = streamName();
      await store().append(
        a,
        Array.from({ length: 12 }, (_, i) => newEvent('N', { i })),
      );
      await store().append(odd, [newEvent('Odd', { i: 0 })]);
      await store().append(other, [newEvent('Other')]);
      await store().append(odd, [newEvent('Odd', { i: 1 })]);
      const read = await store().readStreams!([a, missing, odd]);
      expect([...read.keys()].sort()).toEqual([a, missing, odd].sort());
      expect(read.get(a)!.map((e) => Number(e.revision))).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(read.get(a)!.map((e) => e.data.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(read.get(odd)!.map((e) => [e.streamName, e.data.i])).toEqual([
        [odd, 0],
        [odd, 1],
      ]);
      expect(read.get(missing)).toEqual([]);
      expect(read.get(a)).toEqual(await store().readStream(a));
      expect((await store().readStreams!([])).size).toBe(0);
    });
  });
}

export function readAllEachContract(getSubject: () => ContractSubject): void {
  const store = () => getSubject().store;

  describe('readAllEach', () => {
    it("hands over readAll's events one by one, in the same order, from the same position, as many", async () => {
      const from = await headPosition(store());
      // Enough for several socket reads and several of the driver's slices.
      for (let i = 0; i < 25; i++) {
        const stream = streamName();
        await store().append(
          stream,
          Array.from({ length: 100 }, (_, n) => newEvent('N', { n: i * 100 + n, text: 'æøå §'.repeat(40) })),
        );
      }
      const handed: RecordedEvent[] = [];
      const count = await store().readAllEach!({ fromPosition: from, maxCount: 2_400 }, (event) => {
        handed.push(event);
      });
      expect(count).toBe(2_400);
      expect(handed).toEqual(await store().readAll({ fromPosition: from, maxCount: 2_400 }));
      expect(handed.map((e) => e.data.n)).toEqual(Array.from({ length: 2_400 }, (_, n) => n));
      const rest: RecordedEvent[] = [];
      expect(
        await store().readAllEach!({ fromPosition: handed[2_399].position, maxCount: 1_000 }, (e) =>
          rest.push(e),
        ),
      ).toBe(100);
      expect(rest.map((e) => e.data.n)).toEqual(Array.from({ length: 100 }, (_, n) => 2_400 + n));
    });

    it('fails with what the callback throws, hands over nothing after it, and reads on afterwards', async () => {
      const from = await headPosition(store());
      await store().append(
        streamName(),
        Array.from({ length: 300 }, (_, n) => newEvent('N', { n })),
      );
      // More failed reads than a pool has connections: each must give its connection back.
      for (let attempt = 0; attempt < 25; attempt++) {
        const seen: number[] = [];
        await expect(
          store().readAllEach!({ fromPosition: from, maxCount: 300 }, (event) => {
            seen.push(event.data.n as number);
            if (seen.length === 150) throw new Error(`refused at ${String(event.data.n)}`);
          }),
        ).rejects.toThrow('refused at 149');
        expect(seen).toHaveLength(150);
      }
      expect(await store().readAll({ fromPosition: from, maxCount: 1_000 })).toHaveLength(300);
    });
  });
}
