import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { BullMqJobQueue, type BullMqJobQueueOptions } from '@fristvagt/scheduling';
import { sleep, waitFor } from './contract';
import { job, JobRecorder, jobQueueContract, type Payload, waitForBacklog } from './job-queue-contract';
import {
  deleteKeys,
  freePort,
  requireRedis,
  SHARED_REDIS_URL,
  startPrivateRedis,
  stopAfterEach,
} from './redis';

const prefix = `fv-test-${process.pid}-${randomBytes(4).toString('hex')}`;

function options(url: string, overrides: Partial<BullMqJobQueueOptions> = {}): BullMqJobQueueOptions {
  return {
    name: 'alert-deliveries',
    concurrency: 5,
    retry: { attempts: 3, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
    connection: { kind: 'redis', url, prefix },
    ...overrides,
  };
}

describe('BullMQ on Redis job queue contract', () => {
  beforeAll(() => requireRedis());
  afterAll(() => deleteKeys(prefix));

  jobQueueContract({
    shared: true,
    open: (contract) => BullMqJobQueue.connect<Payload>({ ...options(SHARED_REDIS_URL), ...contract }),
  });
});

describe('BullMQ on Redis job queue, on a redis-server of its own', () => {
  const stopAfterTest = stopAfterEach();

  async function connect(url: string): Promise<BullMqJobQueue<Payload>> {
    return stopAfterTest(await BullMqJobQueue.connect<Payload>(options(url)));
  }

  it('keeps working after FLUSHALL: jobs added afterwards run, and a lost job runs once added again', async () => {
    const redis = stopAfterTest(await startPrivateRedis());
    const recorder = new JobRecorder();
    const queue = await connect(redis.url);
    await queue.start(recorder.handlers('a'));
    const before = job();
    const lost = job(30_000);
    await queue.add([before, lost]);
    await waitFor(
      () => recorder.runsOf(before.id).length === 1,
      2_000,
      () => 'the first job did not run',
    );

    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    expect(await queue.backlog()).toBe(0); // the delayed job is gone: its owner adds it again
    const after = job();
    await queue.add([after, { ...lost, delayMs: 0 }]);
    await waitFor(
      () => recorder.runsOf(after.id).length === 1 && recorder.runsOf(lost.id).length === 1,
      3_000,
      () => `after FLUSHALL: ${recorder.runs.length - 1} of 2 run`,
    );
    await waitForBacklog(queue, 0);
  });

  it('survives a Redis restart: status says down meanwhile, and jobs added after it run', async () => {
    const redis = stopAfterTest(await startPrivateRedis());
    const recorder = new JobRecorder();
    const queue = await connect(redis.url);
    await queue.start(recorder.handlers('a'));

    await redis.kill();
    await expect(queue.add([job()])).rejects.toThrow();
    expect(await queue.status()).toMatchObject({ status: 'down', location: new URL(redis.url).host });
    await redis.restart();

    const after = job();
    // Adding fails fast while the connection comes back (no offline queue); the caller adds again later.
    await retryFor(5_000, () => queue.add([after]));
    await waitFor(
      () => recorder.runsOf(after.id).length === 1,
      5_000,
      () => 'the job added after the restart did not run',
    );
    // The handler has run; BullMQ takes the job off its lists a moment after it returns.
    await waitForBacklog(queue, 0);
    expect(await queue.status()).toMatchObject({ status: 'up', backlog: 0 });
  });

  it('refuses a Redis that may evict keys, or none, as JobQueueUnavailable naming REDIS_URL', async () => {
    const evicting = stopAfterTest(
      await startPrivateRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']),
    );
    await expect(BullMqJobQueue.connect(options(evicting.url))).rejects.toMatchObject({
      code: 'job-queue-unavailable',
      message: `REDIS_URL: Redis at ${new URL(evicting.url).host} has maxmemory-policy allkeys-lru; BullMQ needs noeviction (it would lose jobs)`,
    });
    const port = await freePort();
    const unreachable = options(`redis://someone:secret@127.0.0.1:${port}/0`, { connectTimeoutMs: 1_000 });
    await expect(BullMqJobQueue.connect(unreachable)).rejects.toMatchObject({
      code: 'job-queue-unavailable',
      message: `REDIS_URL: cannot reach Redis at 127.0.0.1:${port} (ECONNREFUSED)`,
    });
  });
});

/** Calls `attempt` until it resolves, for what fails while a connection comes back. */
async function retryFor(timeoutMs: number, attempt: () => Promise<unknown>): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`, { cause: error });
      await sleep(50);
    }
  }
}
