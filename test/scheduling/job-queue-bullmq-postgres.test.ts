import { BullMqJobQueue } from '@fristvagt/scheduling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { jobQueueContract, type Payload } from './job-queue-contract';
import { freePort } from './redis';

const RETRY = { attempts: 3, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 };

describe('BullMQ on PostgreSQL job queue contract', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  jobQueueContract({
    shared: true,
    open: (options) =>
      BullMqJobQueue.connect<Payload>({ ...options, connection: { kind: 'postgres', url: db.url } }),
  });
});

describe('BullMQ on PostgreSQL job queue, unreachable', () => {
  it('is refused as JobQueueUnavailable, naming DATABASE_URL and host:port but no credentials', async () => {
    const port = await freePort();
    const connecting = BullMqJobQueue.connect({
      name: 'alert-deliveries',
      concurrency: 1,
      retry: RETRY,
      connection: { kind: 'postgres', url: `postgres://someone:secret@127.0.0.1:${port}/fristvagt` },
      connectTimeoutMs: 1_000,
    });
    await expect(connecting).rejects.toMatchObject({
      code: 'job-queue-unavailable',
      message: `DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED)`,
    });
  });
});
