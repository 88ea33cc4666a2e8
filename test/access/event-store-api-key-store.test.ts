import { randomUUID } from 'node:crypto';
import { type EventStore, PostgresEventStore } from '@fristvagt/event-store';
import { ApiKeyNotFound, InvalidApiKeyRequest } from '../../apps/api/src/access/api-key-store';
import { hashApiKeySecret, parseApiKeyToken } from '../../apps/api/src/access/api-key-token';
import {
  API_KEY_INDEX_STREAM,
  API_KEY_ISSUED,
  API_KEY_LISTED,
  API_KEY_REVOKED,
  EventStoreApiKeyStore,
} from '../../apps/api/src/access/event-store-api-key-store';
import { runKeys } from '../../apps/cli/src/keys';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { newEvent } from '../support/events';

describe('EventStoreApiKeyStore on PostgreSQL', () => {
  let database: TestDatabase;
  let store: EventStore;
  const now = new Date('2026-03-02T10:00:00.000Z');
  const later = new Date('2026-03-03T10:00:00.000Z');

  beforeAll(async () => {
    database = await createTestDatabase('fv_keys');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('issues a key as the stream api-key-<keyId>, holding only the hash of the secret', async () => {
    const keys = new EventStoreApiKeyStore(store);
    const { token, record } = await keys.create(
      { role: 'integration', municipalities: ['461', '101'], label: 'Sag system X' },
      now,
    );

    expect(record).toEqual({
      keyId: parseApiKeyToken(token)!.keyId,
      role: 'integration',
      municipalities: ['461', '101'],
      label: 'Sag system X',
      createdAt: now.toISOString(),
      revokedAt: null,
    });
    const [event, ...more] = await store.readStream(`api-key-${record.keyId}`);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: API_KEY_ISSUED,
      data: {
        keyId: record.keyId,
        secretHash: hashApiKeySecret(parseApiKeyToken(token)!.secret),
        role: 'integration',
        municipalities: ['461', '101'],
        label: 'Sag system X',
      },
      metadata: {
        municipality: '461',
        actor: 'cli',
        occurredAt: now.toISOString(),
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        causationId: null,
        schemaVersion: 1,
      },
    });
    expect(JSON.stringify(event!.data)).not.toContain(parseApiKeyToken(token)!.secret);
    expect(await keys.verify(token)).toEqual({
      keyId: record.keyId,
      role: 'integration',
      municipalities: ['461', '101'],
    });
  });

  it("files a key for every municipality under '000'", async () => {
    const { record } = await new EventStoreApiKeyStore(store).create(
      { role: 'admin', municipalities: '*' },
      now,
    );
    const [event] = await store.readStream(`api-key-${record.keyId}`);
    expect(event!.metadata.municipality).toBe('000');
  });

  it('refuses a wrong secret, an unknown key and a malformed token', async () => {
    const keys = new EventStoreApiKeyStore(store);
    const { token } = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    const { keyId } = parseApiKeyToken(token)!;
    expect(await keys.verify(`fv_${keyId}_${'A'.repeat(43)}`)).toBeUndefined();
    expect(await keys.verify(`fv_ZZZZZZZZZZZZ_${'A'.repeat(43)}`)).toBeUndefined();
    expect(await keys.verify('fv_nope')).toBeUndefined();
    // A wrong secret must not poison the cache for the right one.
    expect(await keys.verify(token)).toBeDefined();
  });

  it('accepts a key created by another process at once', async () => {
    const server = new EventStoreApiKeyStore(store);
    const cli = new EventStoreApiKeyStore(store);
    const { token } = await cli.create({ role: 'supervisor', municipalities: ['851'] }, now);
    expect(await server.verify(token)).toMatchObject({ role: 'supervisor' });
  });

  it('stops accepting a key revoked by another process within the cache time (10 s)', async () => {
    let ms = 0;
    const server = new EventStoreApiKeyStore(store, { clock: () => ms });
    const cli = new EventStoreApiKeyStore(store);
    const { token, record } = await cli.create({ role: 'integration', municipalities: ['461'] }, now);
    expect(await server.verify(token)).toBeDefined();

    await cli.revoke(record.keyId, later);

    ms = 9_999;
    expect(await server.verify(token)).toBeDefined();
    ms = 10_000;
    expect(await server.verify(token)).toBeUndefined();
  });

  it('stops accepting a key revoked through the same instance at once', async () => {
    const keys = new EventStoreApiKeyStore(store, { clock: () => 0 });
    const { token, record } = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    expect(await keys.verify(token)).toBeDefined();
    const revoked = await keys.revoke(record.keyId, later);
    expect(revoked.revokedAt).toBe(later.toISOString());
    expect(await keys.verify(token)).toBeUndefined();
  });

  it('revokes once: again, or concurrently, it returns the key as it was revoked', async () => {
    const a = new EventStoreApiKeyStore(store);
    const b = new EventStoreApiKeyStore(store);
    const { record } = await a.create({ role: 'auditor', municipalities: ['101'] }, now);

    const results = await Promise.all([a.revoke(record.keyId, later), b.revoke(record.keyId, later)]);
    const again = await a.revoke(record.keyId, new Date('2027-01-01T00:00:00Z'));

    expect(results.map((result) => result.revokedAt)).toEqual([later.toISOString(), later.toISOString()]);
    expect(again.revokedAt).toBe(later.toISOString());
    const events = await store.readStream(`api-key-${record.keyId}`);
    expect(events.map((event) => event.type)).toEqual([API_KEY_ISSUED, API_KEY_REVOKED]);
  });

  it('refuses to revoke a key it does not know', async () => {
    await expect(new EventStoreApiKeyStore(store).revoke('QQQQQQQQQQQQ', now)).rejects.toBeInstanceOf(
      ApiKeyNotFound,
    );
    await expect(new EventStoreApiKeyStore(store).revoke('../../etc', now)).rejects.toBeInstanceOf(
      ApiKeyNotFound,
    );
  });

  it('refuses a bad role or municipality, writing nothing', async () => {
    const keys = new EventStoreApiKeyStore(store);
    const append = jest.spyOn(store, 'append');
    try {
      await expect(
        keys.create({ role: 'root' as never, municipalities: ['461'] }, now),
      ).rejects.toBeInstanceOf(InvalidApiKeyRequest);
      await expect(keys.create({ role: 'admin', municipalities: ['4610'] }, now)).rejects.toMatchObject({
        field: 'municipalities',
      });
      await expect(keys.create({ role: 'admin', municipalities: [] }, now)).rejects.toMatchObject({
        field: 'municipalities',
      });
      expect(append).not.toHaveBeenCalled();
    } finally {
      append.mockRestore();
    }
  });

  it('lists every key issued, revoked ones too, and nothing else, as soon as it is issued', async () => {
    const keys = new EventStoreApiKeyStore(store);
    await store.append(`case-${randomUUID()}`, [newEvent(API_KEY_ISSUED, { keyId: 'not-a-key' })]);
    const { record: kept } = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    const { record: gone } = await keys.create({ role: 'integration', municipalities: ['461'] }, now);
    await keys.revoke(gone.keyId, later);
    // An index entry whose key stream was never written (the process stopped between the two appends).
    await store.append(API_KEY_INDEX_STREAM, [newEvent(API_KEY_LISTED, { keyId: 'k'.repeat(12) })]);

    // No waiting: the index is a stream, read without the global log's visibility horizon.
    const list = await keys.list();
    expect(list).toEqual(expect.arrayContaining([kept, { ...gone, revokedAt: later.toISOString() }]));
    expect(list.map((key) => key.keyId)).not.toContain('not-a-key');
    expect(list.map((key) => key.keyId)).not.toContain('k'.repeat(12));
    expect(JSON.stringify(list)).not.toContain('secretHash');
  });

  it('lists without reading the global log', async () => {
    const keys = new EventStoreApiKeyStore(store);
    const { record } = await keys.create({ role: 'auditor', municipalities: '*' }, now);
    const readAll = jest.spyOn(store, 'readAll');
    try {
      expect((await keys.list()).map((key) => key.keyId)).toContain(record.keyId);
      expect(readAll).not.toHaveBeenCalled();
    } finally {
      readAll.mockRestore();
    }
  });

  it('is what the CLI writes to when DATABASE_URL is set', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      env: { DATABASE_URL: database.url },
    };

    expect(await runKeys(['create', '--municipality', '461', '--role', 'integration'], io)).toBe(0);
    const created = JSON.parse(out.pop()!);
    const server = new EventStoreApiKeyStore(store);
    expect(await server.verify(created.token)).toMatchObject({ keyId: created.keyId });

    expect(await runKeys(['list'], io)).toBe(0);
    const listed = JSON.parse(out.pop()!);
    expect(listed.map((key: { keyId: string }) => key.keyId)).toContain(created.keyId);

    expect(await runKeys(['revoke', created.keyId], io)).toBe(0);
    expect(await new EventStoreApiKeyStore(store).verify(created.token)).toBeUndefined();
    expect(err.join('')).toContain(`stored in postgres 127.0.0.1:5432/${database.name}`);
  });

  it('makes the CLI fail with exit code 1, naming DATABASE_URL, when PostgreSQL is unreachable', async () => {
    const err: string[] = [];
    const code = await runKeys(['list'], {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
      env: { DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/x' },
    });
    expect(code).toBe(1);
    expect(err.join('')).toContain('DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1/x');
    expect(err.join('')).not.toContain('hunter2');
  });
});
