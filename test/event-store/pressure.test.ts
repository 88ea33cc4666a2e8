import { Client } from 'pg';
import { PostgresEventStore, type Position, type RecordedEvent } from '@fristvagt/event-store';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/postgres';
import { headPosition, newEvent, streamName } from '../support/events';

/** The PostgreSQL event store under held transactions, contention and dropped connections (issue 12). */
describe('PostgreSQL event store under pressure', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  let store: PostgresEventStore;

  const connect = async (url: string): Promise<Client> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    [db, other] = await Promise.all([createTestDatabase(), createTestDatabase('fv_other')]);
    store = await PostgresEventStore.connect({ connectionString: db.url, pollIntervalMs: 10 });
    const setup = await connect(db.url);
    await setup.query('CREATE TABLE not_events (n int)');
    await setup.end();
    const setupOther = await connect(other.url);
    await setupOther.query('CREATE TABLE busy (n int)');
    await setupOther.end();
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    await Promise.all([db?.drop(), other?.drop()]);
  });

  /** A transaction that wrote a row and stays open: it has a transaction id until `end`. */
  async function holdWriteTransaction(url: string, table: string): Promise<{ end(): Promise<void> }> {
    const client = await connect(url);
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${table} VALUES (1)`);
    return {
      async end() {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  /** Follows the log from now and records when each event arrived. */
  async function follow(): Promise<{
    arrived: Map<string, number>;
    events: RecordedEvent[];
    stop(): Promise<void>;
  }> {
    const arrived = new Map<string, number>();
    const events: RecordedEvent[] = [];
    const subscription = store.subscribe({ from: await headPosition(store), name: 'pressure-test' });
    const done = (async () => {
      for await (const event of subscription) {
        arrived.set(event.id, Date.now());
        events.push(event);
      }
    })();
    return {
      arrived,
      events,
      async stop() {
        await subscription.stop();
        await done;
      },
    };
  }

  /** Names each event the subscriber missed: where it stands in the log and what was delivered around it. */
  async function explainMissing(
    missing: string[],
    delivered: RecordedEvent[],
    committedAt: Map<string, number>,
  ) {
    const log: RecordedEvent[] = [];
    for (let after: Position | 'start' = 'start'; ;) {
      const page = await store.readAll({ fromPosition: after, maxCount: 5_000 });
      log.push(...page);
      if (page.length < 5_000) break;
      after = page[page.length - 1].position;
    }
    const at = (id: string) => log.findIndex((e) => e.id === id);
    const describe = (e: RecordedEvent | undefined) =>
      e === undefined ? '-' : `${e.position.commit}:${e.position.prepare}`;
    return missing
      .map((id) => {
        const i = at(id);
        const seen = delivered.findIndex((e) => e.id === log[i - 1]?.id);
        return (
          `missing ${id}: in the log at ${i} (${describe(log[i])}), after ${describe(log[i - 1])}; ` +
          `the subscriber delivered that one at ${seen}, then ${describe(delivered[seen + 1])}; ` +
          `last delivered ${describe(delivered.at(-1))}, committed ${Date.now() - committedAt.get(id)!} ms ago`
        );
      })
      .join('\n');
  }

  // Issue 12, point 5: transactions that are not appends (here and in another database) must not hold readers
  // back, and the horizon that allows it must never skip an event.
  it('subscribers keep up within 1 s while write transactions that are not appends stay open for 30 s', async () => {
    const elsewhere = await holdWriteTransaction(other.url, 'busy');
    const here = await holdWriteTransaction(db.url, 'not_events');
    const subscriber = await follow();
    const committed = new Map<string, number>();
    const stream = streamName();
    const until = Date.now() + 30_000;
    let missing: string[];
    try {
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) {
          const event = newEvent('Pressed', { w, i });
          await store.append(`${stream}-${w}`, [event]);
          committed.set(event.id, Date.now());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      await Promise.all(writers);
      // Still held open: the subscriber must have everything without them ending.
      const deadline = Date.now() + 5_000;
      while (subscriber.arrived.size < committed.size && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      missing = [...committed.keys()].filter((id) => !subscriber.arrived.has(id));
    } finally {
      await subscriber.stop();
      await Promise.all([elsewhere.end(), here.end()]);
    }
    expect(committed.size).toBeGreaterThan(200);
    if (missing.length > 0) throw new Error(await explainMissing(missing, subscriber.events, committed));
    expect(subscriber.events).toHaveLength(committed.size);
    const positions = subscriber.events.map((e) => e.position);
    for (let i = 1; i < positions.length; i++) {
      const [a, b] = [positions[i - 1], positions[i]];
      expect(a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare)).toBe(true);
    }
    const lags = [...committed].map(([id, at]) => subscriber.arrived.get(id)! - at);
    expect(Math.max(...lags)).toBeLessThan(1_000);
  }, 60_000);

  // The race that made the first version of this horizon skip events (docs/architecture.md): appends ending
  // while a reader reads pg_locks. Twelve writers at full speed and four readers polling as fast as they can,
  // with write transactions that are not appends held open; every reader must return the whole log, in order.
  it('never skips an event: 12 writers at full speed, 4 readers polling, other write transactions open', async () => {
    const elsewhere = await holdWriteTransaction(other.url, 'busy');
    const here = await holdWriteTransaction(db.url, 'not_events');
    const start = await headPosition(store);
    const stream = streamName();
    const until = Date.now() + 15_000;
    let writing = true;
    const readers = Array.from({ length: 4 }, async () => {
      const read: RecordedEvent[] = [];
      let after = start;
      for (let idle = 0; writing || idle < 3;) {
        const page = await store.readAll({ fromPosition: after, maxCount: 5_000 });
        if (page.length > 0) {
          read.push(...page);
          after = page[page.length - 1].position;
          idle = 0;
        } else if (!writing) idle++;
      }
      return read;
    });
    let appended = 0;
    try {
      await Promise.all(
        Array.from({ length: 12 }, async (_, w) => {
          for (let i = 0; Date.now() < until; i++) {
            await store.append(`${stream}-${w % 3}`, [newEvent('Raced', { w, i })]);
            appended++;
          }
        }),
      );
    } finally {
      writing = false;
    }
    const results = await Promise.all(readers);
    await Promise.all([elsewhere.end(), here.end()]);
    const log: RecordedEvent[] = [];
    for (let after = start; ;) {
      const page = await store.readAll({ fromPosition: after, maxCount: 5_000 });
      if (page.length === 0) break;
      log.push(...page);
      after = page[page.length - 1].position;
    }
    expect(appended).toBeGreaterThan(500);
    expect(log).toHaveLength(appended);
    for (const read of results) {
      const got = new Set(read.map((e) => e.id));
      const skipped = log.filter((e) => !got.has(e.id));
      expect(skipped.map((e) => `${e.position.commit}:${e.position.prepare}`)).toEqual([]);
      expect(read.map((e) => e.id)).toEqual(log.map((e) => e.id));
    }
  }, 60_000);

  it('still holds subscribers back behind an append whose transaction is open', async () => {
    const subscriber = await follow();
    const held = await connect(db.url);
    const stream = streamName();
    try {
      await held.query('BEGIN');
      await held.query('SELECT * FROM fristvagt.append($1, -1, $2::json)', [
        stream,
        JSON.stringify([{ ...newEvent('Held'), metadata: { ...newEvent().metadata, recordedAt: 'x' } }]),
      ]);
      // Written after the held append took its transaction id, committed first: it must wait behind it.
      const later = newEvent('Later');
      await store.append(streamName(), [later]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscriber.events.map((e) => e.type)).toEqual([]);
      await held.query('COMMIT');
      const deadline = Date.now() + 5_000;
      while (subscriber.events.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(subscriber.events.map((e) => e.type)).toEqual(['Held', 'Later']);
    } finally {
      await subscriber.stop();
      await held.end();
    }
  });

  it('readCommittedAfter sees a committed append at once, past an append still running; readAll waits for it', async () => {
    const elsewhere = await holdWriteTransaction(other.url, 'busy');
    const held = await connect(db.url);
    const from = await headPosition(store);
    try {
      await held.query('BEGIN');
      await held.query('SELECT * FROM fristvagt.append($1, -1, $2::json)', [
        streamName(),
        JSON.stringify([{ ...newEvent('Held'), metadata: { ...newEvent().metadata, recordedAt: 'x' } }]),
      ]);
      const opened = newEvent('Opened');
      await store.append(streamName(), [opened]);
      const committed = await store.readCommittedAfter(from, ['Opened', 'Held'], 100_000);
      expect(committed.map((e) => e.id)).toEqual([opened.id]);
      expect(await store.readAll({ fromPosition: from })).toEqual([]);
      await held.query('COMMIT');
      // The transaction held in the other database does not hold readAll back.
      expect((await store.readAll({ fromPosition: from })).map((e) => e.type)).toEqual(['Held', 'Opened']);
    } finally {
      await held.end();
      await elsewhere.end();
    }
  });

  it("never refuses 'any': 16 loops x 50 appends to one stream, revisions 0..799 once each", async () => {
    const stream = streamName();
    const failures: unknown[] = [];
    const revisions: bigint[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async (_, loop) => {
        for (let i = 0; i < 50; i++) {
          try {
            const result = await store.append(stream, [newEvent('Busy', { loop, i })], {
              expectedRevision: 'any',
            });
            revisions.push(result.nextRevision);
          } catch (error) {
            failures.push(error);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(revisions.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
      Array.from({ length: 800 }, (_, i) => BigInt(i)),
    );
    const events = await store.readStream(stream);
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 800 }, (_, i) => BigInt(i)));
    expect(new Set(events.map((e) => `${e.data.loop}/${e.data.i}`)).size).toBe(800);
  }, 120_000);

  describe('the append gate', () => {
    /** Appends one event through the old function, as an older process would. */
    const appendByFunction = (client: Client, stream: string) =>
      client.query('SELECT appended, last_revision FROM fristvagt.append($1, -1, $2::json)', [
        stream,
        JSON.stringify([
          { ...newEvent('ByFunction'), metadata: { ...newEvent().metadata, recordedAt: 'x' } },
        ]),
      ]);

    it('refuses fristvagt.append after the transaction wrote anything, and appends nothing', async () => {
      const client = await connect(db.url);
      const stream = streamName();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO not_events VALUES (2)');
        await expect(appendByFunction(client, stream)).rejects.toThrow(/first write of its transaction/);
        await client.query('ROLLBACK');
        // A direct insert is held to the same rule by the table's trigger.
        await client.query('BEGIN');
        await client.query('INSERT INTO not_events VALUES (3)');
        await expect(
          client.query(
            `INSERT INTO fristvagt.events (stream_name, stream_revision, event_id, event_type, data, metadata)
             VALUES ($1, 0, gen_random_uuid(), 'Sneaky', '{}', '{}')`,
            [stream],
          ),
        ).rejects.toThrow(/first write of its transaction/);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }
      await expect(store.readStream(stream)).rejects.toThrow(/not found/);
    });

    it('lets fristvagt.append run as its transaction first write, and on its own', async () => {
      const client = await connect(db.url);
      const stream = streamName();
      try {
        await client.query('BEGIN');
        await client.query('SELECT 1'); // reading first is fine: no transaction id yet
        const { rows } = await appendByFunction(client, stream);
        await client.query('COMMIT');
        expect(rows).toEqual([{ appended: true, last_revision: '0' }]);
        const alone = await appendByFunction(client, stream);
        expect(alone.rows).toEqual([{ appended: true, last_revision: '1' }]);
      } finally {
        await client.end();
      }
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['ByFunction', 'ByFunction']);
    });
  });

  it('a subscription survives its connections being killed and reports the outage meanwhile', async () => {
    const appName = `fv_sub_${process.pid}`;
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}application_name=${appName}`;
    const follower = await PostgresEventStore.connect({ connectionString: url, pollIntervalMs: 10 });
    const admin = await connect(POSTGRES_ADMIN_URL);
    const received: RecordedEvent[] = [];
    const subscription = follower.subscribe({ from: await headPosition(store), name: 'outage-test' });
    const done = (async () => {
      for await (const event of subscription) received.push(event);
    })();
    const written: string[] = [];
    const write = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const event = newEvent('Survived', { i: written.length });
        await store.append(streamName(), [event]);
        written.push(event.id);
      }
    };
    const waitFor = async (condition: () => boolean, ms = 15_000) => {
      const deadline = Date.now() + ms;
      while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const kill = () =>
      admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        appName,
      ]);
    try {
      await write(20);
      await waitFor(() => received.length === 20);
      expect(received).toHaveLength(20);

      // Killed while idle or mid-read: it reconnects at once.
      await kill();
      await write(20);
      await waitFor(() => received.length === 40);
      expect(received).toHaveLength(40);

      // Killed and kept out: the outage shows, with the subscription's name and since when.
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      const outageStarted = Date.now();
      await kill();
      await write(0);
      await waitFor(() => follower.subscriptions().some((s) => s.state === 'reconnecting'));
      const [status] = follower.subscriptions();
      expect(status).toMatchObject({ name: 'outage-test', state: 'reconnecting' });
      expect(Date.parse(status.since!)).toBeGreaterThanOrEqual(outageStarted - 1_000);
      expect(status.attempts).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(follower.subscriptions()[0].attempts).toBeGreaterThan(status.attempts!);
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await write(20);
      await waitFor(() => received.length === 60);
      expect(follower.subscriptions()).toEqual([{ name: 'outage-test', state: 'reading' }]);
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      await subscription.stop();
      await done;
      await follower.close();
      await admin.end();
    }
    expect(received.map((e) => e.id)).toEqual(written);
  }, 60_000);
});
