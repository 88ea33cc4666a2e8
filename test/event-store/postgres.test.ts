import { Client } from 'pg';
import { EventStore, PostgresEventStore } from '@fristvagt/event-store';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { ContractSubject, eventStoreContract, FIXED_NOW } from './contract';

describe('PostgreSQL event store contract', () => {
  let db: TestDatabase;
  let store: EventStore;

  const open = () =>
    PostgresEventStore.connect({ connectionString: db.url, clock: () => FIXED_NOW, pollIntervalMs: 10 });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const subject: ContractSubject = {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    async appendWithDelayInside(stream, events, delayMs) {
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
    },
  };

  eventStoreContract(() => subject);

  it('migrates idempotently: a second and a concurrent connect leave one schema version', async () => {
    const again = await Promise.all([open(), open()]);
    await Promise.all(again.map((s) => s.close()));
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM fristvagt.schema_migrations');
    await client.end();
    expect(rows).toEqual([{ version: 1 }]);
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
