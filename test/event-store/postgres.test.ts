import { Client } from 'pg';
import { PostgresEventStore } from '@fristvagt/event-store';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { eventStoreContract, FIXED_NOW, managedSubject } from './contract';

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
