import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { BullMqScheduler, type BullMqSchedulerOptions } from '@fristvagt/scheduling';
import { CLOCK, Recorder, sleep, waitFor, wakeUpAt, wakeUpSchedulerContract } from './contract';
import {
  deleteKeys,
  freePort,
  type PrivateRedis,
  requireRedis,
  SHARED_REDIS_URL,
  startPrivateRedis,
  startSilentServer,
  stopAfterEach,
} from './redis';

const prefix = `fv-test-${process.pid}-${randomBytes(4).toString('hex')}`;

function options(url: string, overrides: Partial<BullMqSchedulerOptions> = {}): BullMqSchedulerOptions {
  return {
    connection: { kind: 'redis', url, prefix },
    horizonMs: 3_600_000,
    sweepEveryMs: 60_000,
    concurrency: 20,
    clock: CLOCK,
    retry: { attempts: 5, firstDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
    ...overrides,
  };
}

describe('BullMQ on Redis scheduler contract', () => {
  beforeAll(() => requireRedis());
  afterAll(() => deleteKeys(prefix));

  wakeUpSchedulerContract({
    shared: true,
    open: (contract) => BullMqScheduler.connect(options(SHARED_REDIS_URL, contract)),
  });
});

describe('BullMQ on Redis, on a redis-server of its own', () => {
  const stopAfterTest = stopAfterEach();

  async function privateRedis(args: readonly string[] = []): Promise<PrivateRedis> {
    return stopAfterTest(await startPrivateRedis(args));
  }

  async function connect(
    url: string,
    overrides: Partial<BullMqSchedulerOptions> = {},
  ): Promise<BullMqScheduler> {
    return stopAfterTest(await BullMqScheduler.connect(options(url, overrides)));
  }

  it('refuses to start on a Redis that may evict keys, naming maxmemory-policy', async () => {
    const redis = await privateRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    const error = await BullMqScheduler.connect(options(redis.url)).then(
      () => new Error('connected'),
      (e: Error) => e,
    );
    expect(error.message).toBe(
      `REDIS_URL: Redis at ${new URL(redis.url).host} has maxmemory-policy allkeys-lru; BullMQ needs noeviction (it would lose wake-ups)`,
    );
    expect(error).toMatchObject({ code: 'scheduler-unavailable' });
  });

  it('sweeps again within two intervals after FLUSHALL deleted its job scheduler', async () => {
    const redis = await privateRedis();
    const recorder = new Recorder();
    const scheduler = await connect(redis.url, { sweepEveryMs: 500 });
    await scheduler.start(recorder.handlers('a'));
    await scheduler.schedule([wakeUpAt(30_000), wakeUpAt(40_000)]);
    await waitFor(
      () => recorder.sweeps.length >= 2,
      3_000,
      () => `${recorder.sweeps.length} sweeps`,
    );

    const admin = new Redis(redis.url);
    try {
      await admin.flushall();
      const flushedMs = Date.now();
      expect(await scheduler.scheduledCount()).toBe(0); // the wake-ups are gone: the sweep's business
      await waitFor(
        () => recorder.sweeps.some((s) => s.startMs > flushedMs),
        2 * 500 + 500,
        () => 'no sweep after FLUSHALL',
      );
      expect(await admin.exists(`${prefix}:deadlines:repeat:deadline-sweep`)).toBe(1);
    } finally {
      admin.disconnect();
    }
  });

  it('survives a Redis restart: wake-ups scheduled after it fire, and the sweep resumes', async () => {
    const redis = await privateRedis();
    const recorder = new Recorder();
    const scheduler = await connect(redis.url, { sweepEveryMs: 500 });
    await scheduler.start(recorder.handlers('a'));
    await waitFor(
      () => recorder.sweeps.length >= 1,
      3_000,
      () => 'no sweep',
    );

    await redis.kill();
    await sleep(500);
    expect(await scheduler.status()).toMatchObject({ status: 'down', location: new URL(redis.url).host });
    await redis.restart();
    const restartedMs = Date.now();

    await waitFor(
      () => recorder.sweeps.some((s) => s.startMs > restartedMs),
      5_000,
      () => 'no sweep after restart',
    );
    await waitForAsync(async () => (await scheduler.status()).status === 'up', 5_000, 'status stays down');
    const wakeUp = wakeUpAt(300);
    await scheduler.schedule([wakeUp]);
    await waitFor(
      () => recorder.timesHandled(wakeUp) === 1,
      3_000,
      () => 'the wake-up did not fire',
    );
  });

  it('fails within seconds, naming REDIS_URL and host:port but no credentials, when Redis is unreachable', async () => {
    const port = await freePort();
    const startedMs = Date.now();
    const error = await BullMqScheduler.connect(
      options(`redis://someone:secret@127.0.0.1:${port}/0`, { connectTimeoutMs: 1_000 }),
    ).then(
      () => new Error('connected'),
      (e: Error) => e,
    );
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(error.message).toMatch(
      new RegExp(`^REDIS_URL: cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`),
    );
    expect(error.message).not.toContain('secret');
    expect(error).toMatchObject({ code: 'scheduler-unavailable' });
  });

  it('gives up after connectTimeoutMs on a server that never answers', async () => {
    const silent = await startSilentServer();
    try {
      const startedMs = Date.now();
      const error = await BullMqScheduler.connect(
        options(`redis://:secret@127.0.0.1:${silent.port}`, { connectTimeoutMs: 1_000 }),
      ).then(
        () => new Error('connected'),
        (e: Error) => e,
      );
      expect(Date.now() - startedMs).toBeLessThan(3_000);
      expect(error.message).toBe(
        `REDIS_URL: cannot reach Redis at 127.0.0.1:${silent.port} (no answer within 1000 ms)`,
      );
    } finally {
      await silent.close();
    }
  });
});

async function waitForAsync(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}
