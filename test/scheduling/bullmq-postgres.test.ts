import { BullMqScheduler, type BullMqSchedulerOptions } from '@fristvagt/scheduling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { CLOCK, wakeUpSchedulerContract } from './contract';
import { freePort, startSilentServer } from './redis';

function options(url: string, overrides: Partial<BullMqSchedulerOptions> = {}): BullMqSchedulerOptions {
  return {
    connection: { kind: 'postgres', url },
    horizonMs: 3_600_000,
    sweepEveryMs: 60_000,
    concurrency: 20,
    clock: CLOCK,
    ...overrides,
  };
}

describe('BullMQ on PostgreSQL scheduler contract', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  wakeUpSchedulerContract({
    shared: true,
    open: (contract) => BullMqScheduler.connect(options(db.url, contract)),
  });
});

describe('BullMQ on PostgreSQL, unreachable', () => {
  it('fails within seconds, naming DATABASE_URL and host:port but no credentials, when nothing listens', async () => {
    const port = await freePort();
    const startedMs = Date.now();
    const error = await BullMqScheduler.connect(
      options(`postgres://someone:secret@127.0.0.1:${port}/fristvagt`, { connectTimeoutMs: 1_000 }),
    ).then(
      () => new Error('connected'),
      (e: Error) => e,
    );
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(error.message).toBe(`DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(error).toMatchObject({ code: 'scheduler-unavailable' });
  });

  it('gives up after connectTimeoutMs on a server that never answers', async () => {
    const silent = await startSilentServer();
    try {
      const startedMs = Date.now();
      const error = await BullMqScheduler.connect(
        options(`postgres://someone:secret@127.0.0.1:${silent.port}/fristvagt`, { connectTimeoutMs: 1_000 }),
      ).then(
        () => new Error('connected'),
        (e: Error) => e,
      );
      expect(Date.now() - startedMs).toBeLessThan(3_000);
      expect(error.message).toMatch(
        new RegExp(`^DATABASE_URL: cannot reach PostgreSQL at 127\\.0\\.0\\.1:${silent.port} \\(`),
      );
      expect(error.message).not.toContain('secret');
    } finally {
      await silent.close();
    }
  });
});
