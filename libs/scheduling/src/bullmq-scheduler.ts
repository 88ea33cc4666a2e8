import { type IQueueBackend, type Job, type JobsOptions, Queue, Worker, createPostgresBackend } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type Clock } from '@fristvagt/config';
import {
  type SchedulerAdapterName,
  type SchedulerOptions,
  type SchedulerStatus,
  type WakeUp,
  type WakeUpHandlers,
  type WakeUpScheduler,
} from './scheduler.port';
import {
  DEFAULT_RETRY,
  type RetryPolicy,
  retryDelayMs,
  type SchedulerErrorListener,
  SchedulerUnavailable,
  wakeUpId,
  wakeUpInstantMs,
} from './wake-up';

/** Where the queue lives. The URL is read from REDIS_URL or DATABASE_URL, which error messages name. */
export type BullMqConnection =
  | {
      readonly kind: 'redis';
      readonly url: string;
      /** BullMQ key prefix, so deployments can share a Redis. Default `fristvagt`. */
      readonly prefix?: string;
    }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** Schema of BullMQ's tables, created (migrated) at connect. Default `fristvagt_bullmq`. */
      readonly schema?: string;
    };

export interface BullMqSchedulerOptions extends SchedulerOptions {
  readonly connection: BullMqConnection;
  /** Every delay is computed from here (`at − now`), so a process whose clock is offset fires at its "now". */
  readonly clock: Clock;
  /** Default `deadlines`. Tests use one queue each. */
  readonly queueName?: string;
  /** Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * How long a worker holds a wake-up before another may take it, renewed at half while it runs. A wake-up
   * takes milliseconds, so this is short: a process killed mid-wake-up delays it by seconds, not BullMQ's
   * default 30 s. Default 5 s.
   */
  readonly lockDurationMs?: number;
  /** How often workers look for wake-ups whose holder died. Default 2 s. */
  readonly stalledIntervalMs?: number;
  /** Give up connecting after this long. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Handler failures and connection trouble, for logging. Default: ignored. */
  readonly onError?: SchedulerErrorListener;
}

const WAKE_UP_JOB = 'wake-up';
const SWEEP_JOB = 'sweep';
const SWEEP_SCHEDULER_ID = 'deadline-sweep';
/** BullMQ names a job scheduler's jobs `repeat:<scheduler id>:<instant>`. */
const SWEEP_JOB_ID_PREFIX = `repeat:${SWEEP_SCHEDULER_ID}:`;
/** Custom backoff type, so that BullMQ asks {@link retryDelayMs} and both adapters retry alike. */
const RETRY_BACKOFF = 'wake-up-retry';
const ADD_BULK_CHUNK = 500;
/** A failed wake-up stays inspectable for a week; the sweep is what brings its obligation back. */
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;
/** status() answers "down" rather than wait longer than this. */
const STATUS_TIMEOUT_MS = 2_000;
/** Migrating BullMQ's PostgreSQL schema at first start may wait for another process's migration. */
const READY_TIMEOUT_MS = 30_000;

type WakeUpJob = Job<WakeUp, void, string>;
/** The queue on either backend: only the datastore-agnostic API is used. */
type AnyQueue = Queue<WakeUp, void, string, WakeUp, void, string, IQueueBackend, unknown>;
type AnyWorker = Worker<WakeUp, void, string, IQueueBackend>;

interface Backend {
  readonly adapter: SchedulerAdapterName;
  /** host:port, never credentials. */
  readonly location: string;
  openQueue(): AnyQueue;
  openWorker(processor: (job: WakeUpJob) => Promise<void>, options: WorkerSettings): AnyWorker;
}

interface WorkerSettings {
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly settings: { readonly backoffStrategy: (attemptsMade: number) => number };
}

/**
 * Wake-ups as delayed jobs of one BullMQ queue, on Redis or on PostgreSQL. Each wake-up is a job whose id
 * derives from the wake-up, so scheduling it again is a no-op while it waits; the sweep is a BullMQ job
 * scheduler on the same queue, and the worker tells the two apart by job name.
 */
export class BullMqScheduler implements WakeUpScheduler {
  readonly adapter: SchedulerAdapterName;

  private readonly clock: Clock;
  private readonly horizonMs: number;
  private readonly sweepEveryMs: number;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly lockDurationMs: number;
  private readonly stalledIntervalMs: number;
  private readonly onError: SchedulerErrorListener;
  private worker?: AnyWorker;
  private upsertTimer?: NodeJS.Timeout;
  private upserting?: Promise<void>;
  private stopping?: Promise<void>;

  private constructor(
    private readonly backend: Backend,
    private readonly queue: AnyQueue,
    options: BullMqSchedulerOptions,
  ) {
    this.adapter = backend.adapter;
    this.clock = options.clock;
    this.horizonMs = options.horizonMs;
    this.sweepEveryMs = options.sweepEveryMs;
    this.concurrency = options.concurrency ?? 50;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.lockDurationMs = options.lockDurationMs ?? 5_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? 2_000;
    this.onError = options.onError ?? (() => undefined);
    queue.on('error', (error: Error) => this.onError(error, { source: 'backend' }));
  }

  /**
   * Checks the backend, then opens the queue. Refuses, with a {@link SchedulerUnavailable} naming REDIS_URL or
   * DATABASE_URL and host:port, a backend that is unreachable or a Redis that may evict keys.
   */
  static async connect(options: BullMqSchedulerOptions): Promise<BullMqScheduler> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const backend =
      options.connection.kind === 'redis'
        ? await redisBackend(options.connection, options.queueName ?? 'deadlines', connectTimeoutMs)
        : await postgresBackend(options.connection, options.queueName ?? 'deadlines', connectTimeoutMs);
    const queue = backend.openQueue();
    const scheduler = new BullMqScheduler(backend, queue, options);
    try {
      await withTimeout(queue.waitUntilReady(), READY_TIMEOUT_MS, 'the queue did not become ready');
    } catch (error) {
      await queue.close().catch(() => undefined);
      const message = `${variableOf(backend)}: cannot open the BullMQ queue at ${backend.location} (${reason(error)})`;
      throw new SchedulerUnavailable(message, { cause: error });
    }
    return scheduler;
  }

  async schedule(wakeUps: readonly WakeUp[]): Promise<void> {
    if (this.stopping) throw new SchedulerUnavailable(`the ${this.adapter} scheduler is stopped`);
    const now = this.clock.now().getTime();
    const jobs = new Map<string, { name: string; data: WakeUp; opts: JobsOptions }>();
    for (const wakeUp of wakeUps) {
      const atMs = wakeUpInstantMs(wakeUp);
      if (atMs > now + this.horizonMs) continue;
      const jobId = wakeUpId(wakeUp);
      const { caseId, obligationId, kind, at } = wakeUp;
      jobs.set(jobId, {
        name: WAKE_UP_JOB,
        data: { caseId, obligationId, kind, at },
        opts: {
          jobId,
          delay: Math.max(0, atMs - now),
          attempts: this.retry.attempts,
          backoff: { type: RETRY_BACKOFF },
          removeOnComplete: true,
          removeOnFail: { age: KEEP_FAILED_SECONDS },
        },
      });
    }
    const all = [...jobs.values()];
    for (let i = 0; i < all.length; i += ADD_BULK_CHUNK) {
      await this.queue.addBulk(all.slice(i, i + ADD_BULK_CHUNK));
    }
  }

  async start(handlers: WakeUpHandlers): Promise<void> {
    if (this.worker || this.stopping)
      throw new Error(`the ${this.adapter} scheduler starts once, before stop`);
    const worker = this.backend.openWorker((job) => this.process(job, handlers), {
      concurrency: this.concurrency,
      lockDuration: this.lockDurationMs,
      stalledInterval: this.stalledIntervalMs,
      settings: { backoffStrategy: (attemptsMade) => retryDelayMs(this.retry, attemptsMade) },
    });
    this.worker = worker;
    worker.on('error', (error) => this.onError(error, { source: 'backend' }));
    try {
      await withTimeout(worker.waitUntilReady(), READY_TIMEOUT_MS, 'the worker did not become ready');
      await this.upsertSweep();
    } catch (error) {
      const message = `${variableOf(this.backend)}: cannot consume wake-ups at ${this.backend.location} (${reason(error)})`;
      throw new SchedulerUnavailable(message, { cause: error });
    }
    if (this.stopping) return;
    // FLUSHALL (or a Redis restarted without persistence) deletes the job scheduler. Upserting it again is
    // idempotent, so every process does so on its own timer and the sweep comes back within an interval.
    this.upsertTimer = setInterval(() => {
      this.upserting ??= this.upsertSweep()
        .catch((error: unknown) => this.onError(error, { source: 'backend' }))
        .finally(() => (this.upserting = undefined));
    }, this.sweepEveryMs);
  }

  async stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.upsertTimer);
      await this.upserting;
      await this.worker?.close();
      await this.queue.close();
    })();
    return this.stopping;
  }

  async status(): Promise<SchedulerStatus> {
    const { adapter, location } = this.backend;
    if (this.stopping) return { adapter, status: 'down', location, detail: 'stopped' };
    try {
      const scheduled = await withTimeout(this.scheduledCount(), STATUS_TIMEOUT_MS, 'no answer');
      return { adapter, status: 'up', location, scheduled };
    } catch (error) {
      return { adapter, status: 'down', location, detail: reason(error) };
    }
  }

  /**
   * Delayed jobs, less the sweep's next run: it waits in the same queue but is not a wake-up. The count is
   * taken between two looks at the sweep's run, so that a sweep starting meanwhile (which adds the next run)
   * does not make it one off.
   */
  async scheduledCount(): Promise<number> {
    // A closed queue on PostgreSQL answers never rather than fail.
    if (this.stopping) throw new SchedulerUnavailable(`the ${this.adapter} scheduler is stopped`);
    for (let attempt = 1; ; attempt++) {
      const before = await this.sweepRun();
      const delayed = await this.queue.getDelayedCount();
      const after = await this.sweepRun();
      if ((before.id === after.id && before.delayed === after.delayed) || attempt === 3) {
        return Math.max(0, delayed - (after.delayed ? 1 : 0));
      }
    }
  }

  private async sweepRun(): Promise<{ id?: string; delayed: boolean }> {
    const next = (await this.queue.getJobScheduler(SWEEP_SCHEDULER_ID))?.next;
    if (next === undefined || next === null) return { delayed: false };
    const id = `${SWEEP_JOB_ID_PREFIX}${next}`;
    return { id, delayed: (await this.queue.getJobState(id)) === 'delayed' };
  }

  private async upsertSweep(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: this.sweepEveryMs },
      // A failed sweep is not retried: the next one is an interval away.
      { name: SWEEP_JOB, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true } },
    );
  }

  private async process(job: WakeUpJob, handlers: WakeUpHandlers): Promise<void> {
    if (job.name === SWEEP_JOB) return this.sweep(job, handlers);
    try {
      await handlers.onWakeUp(job.data);
    } catch (error) {
      const attemptsMade = job.attemptsMade + 1;
      const retrying = attemptsMade < (job.opts.attempts ?? 1);
      this.onError(error, { source: 'wake-up', wakeUp: job.data, attemptsMade, retrying });
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * Each tick is one job, so one process sweeps it. A sweep that outlasts the interval would overlap the
   * next tick's in another process (BullMQ creates the next run when this one starts), and slow sweeps
   * would pile up; so a sweep that finds another one active skips its tick. Of two overlapping sweeps, the
   * later one to look sees the other, since each was active before it looked.
   */
  private async sweep(job: WakeUpJob, handlers: WakeUpHandlers): Promise<void> {
    const active = await this.queue.getRanges(['active'], 0, -1);
    if (active.some((id) => id !== job.id && id.startsWith(SWEEP_JOB_ID_PREFIX))) return;
    try {
      await handlers.onSweep();
    } catch (error) {
      this.onError(error, { source: 'sweep' });
      throw error instanceof Error ? error : new Error(String(error));
    }
  }
}

async function redisBackend(
  connection: Extract<BullMqConnection, { kind: 'redis' }>,
  queueName: string,
  connectTimeoutMs: number,
): Promise<Backend> {
  const location = hostPort(connection.url, 6379, 'REDIS_URL');
  await checkRedis(connection.url, location, connectTimeoutMs);
  const prefix = connection.prefix ?? 'fristvagt';
  return {
    adapter: 'bullmq-redis',
    location,
    openQueue: () =>
      new Queue<WakeUp, void, string>(queueName, {
        prefix,
        // Fail fast while Redis is away: schedule() rejects (the sweep schedules again) and status() says down.
        connection: {
          url: connection.url,
          connectTimeout: connectTimeoutMs,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
        },
      }) as unknown as AnyQueue,
    openWorker: (processor, settings) =>
      new Worker<WakeUp, void, string>(queueName, processor, {
        ...settings,
        prefix,
        // Commands wait for the reconnection instead of failing, so the worker outlives a Redis restart.
        connection: { url: connection.url, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: null },
      }) as unknown as AnyWorker,
  };
}

/**
 * BullMQ on a Redis that evicts keys under memory pressure loses jobs silently. INFO rather than CONFIG GET,
 * because managed Redis services often disable CONFIG.
 */
async function checkRedis(url: string, location: string, connectTimeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // No 2 s grace to close politely with a server that never answered: it would keep the process alive.
    disconnectTimeout: 100,
  });
  // connect() rejects with "Connection is closed."; the socket's error says why.
  let socketError: unknown;
  client.on('error', (error) => (socketError ??= error));
  let info: string;
  try {
    info = await withTimeout(
      client.connect().then(() => client.info('memory')),
      connectTimeoutMs,
      `no answer within ${connectTimeoutMs} ms`,
    );
  } catch (error) {
    const cause = socketError ?? error;
    throw new SchedulerUnavailable(`REDIS_URL: cannot reach Redis at ${location} (${reason(cause)})`, {
      cause,
    });
  } finally {
    // Disconnecting a client whose socket already closed would leave ioredis's destroy timer running.
    if (client.status !== 'end') client.disconnect();
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy !== undefined && policy !== 'noeviction') {
    throw new SchedulerUnavailable(
      `REDIS_URL: Redis at ${location} has maxmemory-policy ${policy}; BullMQ needs noeviction (it would lose wake-ups)`,
    );
  }
}

async function postgresBackend(
  connection: Extract<BullMqConnection, { kind: 'postgres' }>,
  queueName: string,
  connectTimeoutMs: number,
): Promise<Backend> {
  const location = hostPort(connection.url, 5432, 'DATABASE_URL');
  const client = new Client({ connectionString: connection.url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined); // the rejected connect() below carries the error
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new SchedulerUnavailable(
      `DATABASE_URL: cannot reach PostgreSQL at ${location} (${reason(error)})`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const pg = {
    connectionString: connection.url,
    schema: connection.schema ?? 'fristvagt_bullmq',
    connectionTimeoutMillis: connectTimeoutMs,
  };
  return {
    adapter: 'bullmq-postgres',
    location,
    openQueue: () =>
      new Queue(
        queueName,
        { connection: { ...pg, migrate: true } },
        createPostgresBackend,
      ) as unknown as AnyQueue,
    openWorker: (processor, settings) =>
      new Worker(
        queueName,
        processor,
        { ...settings, connection: pg },
        createPostgresBackend,
      ) as unknown as AnyWorker,
  };
}

function variableOf(backend: Backend): string {
  return backend.adapter === 'bullmq-redis' ? 'REDIS_URL' : 'DATABASE_URL';
}

/** `host:port` of a connection URL: what error messages and status() show instead of the URL's credentials. */
function hostPort(url: string, defaultPort: number, variable: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SchedulerUnavailable(`${variable} is not a URL`);
  }
  return `${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}`;
}

/** The cause in a few words: an errno code when there is one, since driver messages can be long. */
function reason(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
