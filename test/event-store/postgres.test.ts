import { Client } from 'pg';
import { PostgresEventStore } from '@fristvagt/event-store';
import { headPosition, newEvent, streamName } from '../support/events';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import {
  eventStoreContract,
  FIXED_NOW,
  managedSubject,
  readAllEachContract,
  readStreamsContract,
} from './contract';

describe('PostgreSQL event store contract', () => {
  let db: TestDatabase;

  const open = () =>
    PostgresEventStore.connect({ connectionString: db.url, clock: () => FIXED_NOW, pollIntervalMs: 10 });

  // Writes through the same SQL function, but holds the transaction open afterwards, so that commit order
  // differs from position order: the case a naive global order gets wrong.
  const subject = managedSubject(open, async (stream, events, delayMs) => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      const recordedAt = FIXED_NOW.toISOString();
      await client.query('SELECT * FROM fristvagt.append($1, -1, $2::json)', [
        stream,
        JSON.stringify(events.map((e) => ({ ...e, metadata: { ...e.metadata, recordedAt } }))),
      ]);
      await client.query('SELECT pg_sleep($1)', [delayMs / 1000]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    await subject.start();
  });
  afterAll(async () => {
    await subject.stop();
    await db?.drop();
  });

  eventStoreContract(() => subject);
  readAllEachContract(() => subject);
  readStreamsContract(() => subject);

  it("hands a long read's rows over in slices, so that the process's other connections are answered meanwhile", async () => {
    const store = subject.store;
    const from = await headPosition(store);
    for (let i = 0; i < 6; i++) {
      await store.append(
        streamName(),
        Array.from({ length: 500 }, (_, n) => newEvent('N', { n, text: 'x'.repeat(1_000) })),
      );
    }
    const other = new Client({ connectionString: db.url });
    await other.connect();
    try {
      let reading = true;
      const pings: number[] = [];
      const pinging = (async () => {
        while (reading) {
          const started = performance.now();
          await other.query('SELECT 1');
          pings.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const started = performance.now();
      // 0.2 ms of work per event: 600 ms for the 3,000, as a rebuild's projection spends on each.
      const count = await store.readAllEach!({ fromPosition: from, maxCount: 3_000 }, () => {
        const until = performance.now() + 0.2;
        while (performance.now() < until);
      });
      const took = performance.now() - started;
      reading = false;
      await pinging;
      expect(count).toBe(3_000);
      expect(took).toBeGreaterThan(600);
      // Handed over all at once, a socket read's worth of rows (up to 2 MB, some 1,800 rows) would hold a ping
      // up for 360 ms; in slices of 100 rows, for about 20 ms.
      expect(pings.length).toBeGreaterThan(10);
      expect(Math.max(...pings)).toBeLessThan(120);
    } finally {
      await other.end();
    }
  });

  it('migrates idempotently: a second and a concurrent connect leave one schema version', async () => {
    const again = await Promise.all([open(), open()]);
    await Promise.all(again.map((s) => s.close()));
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM fristvagt.schema_migrations ORDER BY version');
    await client.end();
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('opens the whole pool at connect when asked to, and only what it uses otherwise', async () => {
    // Counted by application name: the suite's own store may open or close connections meanwhile.
    const url = (name: string) => `${db.url}${db.url.includes('?') ? '&' : '?'}application_name=${name}`;
    const backends = async (name: string) => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
          [name],
        );
        return rows[0].n as number;
      } finally {
        await client.end();
      }
    };
    const service = await PostgresEventStore.connect({
      connectionString: url('fv_service'),
      poolSize: 7,
      openAllConnections: true,
    });
    try {
      expect(await backends('fv_service')).toBe(7);
    } finally {
      await service.close();
    }
    const cli = await PostgresEventStore.connect({ connectionString: url('fv_cli'), poolSize: 7 });
    try {
      expect(await backends('fv_cli')).toBe(1); // the one that migrated, idle in the pool
    } finally {
      await cli.close();
    }
  });

  it('names the server, not the credentials, when it cannot connect', async () => {
    const error = (await PostgresEventStore.connect({
      connectionString: 'postgres://someone:secret@127.0.0.1:1/nowhere',
      connectTimeoutMs: 2_000,
    }).then(
      () => new Error('connected'),
      (e: Error) => e,
    )) as Error;
    expect(error.message).toMatch(/^cannot open the PostgreSQL event store/);
    expect(error.message).toContain('127.0.0.1:1/nowhere');
    expect(error.message).not.toContain('secret');
  });
});
