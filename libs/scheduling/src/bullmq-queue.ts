import { type IQueueBackend, type Job, Queue, Worker, createPostgresBackend } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { type RetryPolicy, retryDelayMs } from './retry';

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

/** What every BullMQ adapter is told about its backend. */
export interface BullMqOptions {
  readonly connection: BullMqConnection;
  /**
   * How long a worker holds a job before another may take it, renewed at half while it runs. A job takes
   * milliseconds to seconds, so this is short: a process killed mid-job delays it by seconds, not BullMQ's
   * default 30 s. Default 5 s.
   */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose holder died. Default 2 s. */
  readonly stalledIntervalMs?: number;
  /** Give up connecting after this long. Default 5 s. */
  readonly connectTimeoutMs?: number;
}

/** The error a BullMQ adapter throws when it cannot be used: SchedulerUnavailable, JobQueueUnavailable. */
export type UnavailableError = new (message: string, options?: ErrorOptions) => Error;

export interface BullMqQueueOptions extends BullMqOptions {
  readonly queueName: string;
  /** What error messages call the adapter after its name: `scheduler`, `job queue alert-deliveries`. */
  readonly title: string;
  /** What the queue holds, for error messages: `wake-ups`, `jobs`. */
  readonly holds: string;
  readonly unavailable: UnavailableError;
  /** Attempts of every job, and the delays between them. */
  readonly retry: RetryPolicy;
  /** A failed job is removed at once (true), or kept this many seconds for inspection. */
  readonly removeOnFail: true | { readonly age: number };
  /** The queue's and the worker's connection trouble; BullMQ reconnects by itself. */
  readonly onBackendError: (error: unknown) => void;
}

export interface ConsumeOptions {
  readonly concurrency: number;
  /** Times a job may be taken back from a dead holder before BullMQ fails it unseen. Default 1. */
  readonly maxStalledCount?: number;
}

export interface JobToAdd<D> {
  readonly name: string;
  readonly id: string;
  readonly data: D;
  readonly delayMs: number;
}

export type BullMqJob<D> = Job<D, void, string>;
/** The queue on either backend: only the datastore-agnostic API is used. */
type AnyQueue<D> = Queue<D, void, string, D, void, string, IQueueBackend, unknown>;
type AnyWorker<D> = Worker<D, void, string, IQueueBackend>;

interface Backend {
  readonly adapter: 'bullmq-redis' | 'bullmq-postgres';
  /** host:port, never credentials. */
  readonly location: string;
  openQueue<D>(): AnyQueue<D>;
  openWorker<D>(processor: (job: BullMqJob<D>) => Promise<void>, options: WorkerSettings): AnyWorker<D>;
}

interface WorkerSettings {
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount?: number;
  readonly settings: { readonly backoffStrategy: (attemptsMade: number) => number };
}

/** Custom backoff type, so that BullMQ asks {@link retryDelayMs} and every adapter retries alike. */
const RETRY_BACKOFF = 'retry-policy';
const ADD_BULK_CHUNK = 500;
/** status() answers "down" rather than wait longer than this. */
const STATUS_TIMEOUT_MS = 2_000;
/** Migrating BullMQ's PostgreSQL schema at first start may wait for another process's migration. */
const READY_TIMEOUT_MS = 30_000;

/**
 * One BullMQ queue of retried jobs, on Redis or on PostgreSQL, and once consuming its worker: what the BullMQ
 * adapters share. It checks the backend before use, names REDIS_URL or DATABASE_URL and host:port in every
 * error, and stops once.
 */
export class BullMqQueue<D> {
  readonly adapter: Backend['adapter'];
  /** host:port, never credentials. */
  readonly location: string;
  private worker?: AnyWorker<D>;
  private stopping?: Promise<void>;

  private constructor(
    private readonly backend: Backend,
    readonly queue: AnyQueue<D>,
    private readonly options: BullMqQueueOptions,
  ) {
    this.adapter = backend.adapter;
    this.location = backend.location;
  }

  /**
   * Checks the backend, then opens the queue. Refuses, with `options.unavailable`, a backend that is
   * unreachable or a Redis that may evict keys.
   */
  static async open<D>(options: BullMqQueueOptions): Promise<BullMqQueue<D>> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const backend =
      options.connection.kind === 'redis'
        ? await redisBackend(options.connection, options, connectTimeoutMs)
        : await postgresBackend(options.connection, options, connectTimeoutMs);
    const queue = backend.openQueue<D>();
    queue.on('error', options.onBackendError);
    const opened = new BullMqQueue(backend, queue, options);
    try {
      await withTimeout(queue.waitUntilReady(), READY_TIMEOUT_MS, 'the queue did not become ready');
    } catch (error) {
      await queue.close().catch(() => undefined);
      throw opened.unavailable('open the BullMQ queue', error);
    }
    return opened;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** Throws once stopped: a closed queue on PostgreSQL answers never rather than fail. */
  assertOpen(): void {
    if (this.stopping) {
      throw new this.options.unavailable(`the ${this.adapter} ${this.options.title} is stopped`);
    }
  }

  /** Adds the jobs whose ids are not in the queue yet; the first of two with one id wins. */
  async add(jobs: readonly JobToAdd<D>[]): Promise<void> {
    this.assertOpen();
    const { retry, removeOnFail } = this.options;
    const byId = new Map<string, JobToAdd<D>>();
    for (const job of jobs) if (!byId.has(job.id)) byId.set(job.id, job);
    const all = [...byId.values()].map(({ name, id, data, delayMs }) => ({
      name,
      data,
      opts: {
        jobId: id,
        delay: delayMs,
        attempts: retry.attempts,
        backoff: { type: RETRY_BACKOFF },
        removeOnComplete: true,
        removeOnFail,
      },
    }));
    for (let i = 0; i < all.length; i += ADD_BULK_CHUNK) {
      await this.queue.addBulk(all.slice(i, i + ADD_BULK_CHUNK));
    }
  }

  /** Opens the worker; refuses to twice, or after stop. */
  async consume(processor: (job: BullMqJob<D>) => Promise<void>, options: ConsumeOptions): Promise<void> {
    if (this.worker || this.stopping) {
      throw new Error(`the ${this.adapter} ${this.options.title} starts once, before stop`);
    }
    const { retry, lockDurationMs, stalledIntervalMs } = this.options;
    const worker = this.backend.openWorker(processor, {
      concurrency: options.concurrency,
      lockDuration: lockDurationMs ?? 5_000,
      stalledInterval: stalledIntervalMs ?? 2_000,
      // BullMQ validates the option when present, undefined included.
      ...(options.maxStalledCount !== undefined && { maxStalledCount: options.maxStalledCount }),
      settings: { backoffStrategy: (attemptsMade) => retryDelayMs(retry, attemptsMade) },
    });
    this.worker = worker;
    worker.on('error', this.options.onBackendError);
    try {
      await withTimeout(worker.waitUntilReady(), READY_TIMEOUT_MS, 'the worker did not become ready');
    } catch (error) {
      throw this.unavailable(`consume ${this.options.holds}`, error);
    }
  }

  /** The error for a backend that failed at `doing` (e.g. "consume wake-ups"), naming where it is. */
  unavailable(doing: string, error: unknown): Error {
    const message = `${variableOf(this.backend)}: cannot ${doing} at ${this.location} (${reason(error)})`;
    return new this.options.unavailable(message, { cause: error });
  }

  /** Closes the worker (its jobs in flight finish first), then the queue; `first` runs before both. */
  stop(first?: () => Promise<void>): Promise<void> {
    this.stopping ??= (async () => {
      await first?.();
      await this.worker?.close();
      await this.queue.close();
    })();
    return this.stopping;
  }

  /** Up with `count()`, or down with why, within a couple of seconds. */
  async health(
    count: () => Promise<number>,
  ): Promise<
    { readonly status: 'up'; readonly count: number } | { readonly status: 'down'; readonly detail: string }
  > {
    if (this.stopping) return { status: 'down', detail: 'stopped' };
    try {
      return { status: 'up', count: await withTimeout(count(), STATUS_TIMEOUT_MS, 'no answer') };
    } catch (error) {
      return { status: 'down', detail: reason(error) };
    }
  }
}

/** Where the configuration says the BullMQ backends are. */
export interface BackendUrls {
  /** REDIS_URL, for `bullmq-redis`. */
  readonly redisUrl?: string;
  /** REDIS_PREFIX. Default `fristvagt`. */
  readonly redisPrefix?: string;
  /** DATABASE_URL, for `bullmq-postgres`. */
  readonly databaseUrl?: string;
}

/** The connection the configuration points at, for the `open…` functions. */
export function bullMqConnection(
  options: BackendUrls & { readonly backend: 'bullmq-redis' | 'bullmq-postgres' },
  unavailable: UnavailableError,
): BullMqConnection {
  const required = (url: string | undefined, variable: string): string => {
    if (url === undefined || url === '')
      throw new unavailable(`${variable} is required for ${options.backend}`);
    return url;
  };
  return options.backend === 'bullmq-redis'
    ? { kind: 'redis', url: required(options.redisUrl, 'REDIS_URL'), prefix: options.redisPrefix }
    : { kind: 'postgres', url: required(options.databaseUrl, 'DATABASE_URL') };
}

async function redisBackend(
  connection: Extract<BullMqConnection, { kind: 'redis' }>,
  options: BullMqQueueOptions,
  connectTimeoutMs: number,
): Promise<Backend> {
  const location = hostPort(connection.url, 6379, 'REDIS_URL', options.unavailable);
  await checkRedis(connection.url, location, connectTimeoutMs, options);
  const prefix = connection.prefix ?? 'fristvagt';
  const { queueName } = options;
  return {
    adapter: 'bullmq-redis',
    location,
    openQueue: <D>() =>
      new Queue<D, void, string>(queueName, {
        prefix,
        // Fail fast while Redis is away: adding rejects (the caller adds again later) and status() says down.
        connection: {
          url: connection.url,
          connectTimeout: connectTimeoutMs,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
        },
      }) as unknown as AnyQueue<D>,
    openWorker: <D>(processor: (job: BullMqJob<D>) => Promise<void>, settings: WorkerSettings) =>
      new Worker<D, void, string>(queueName, processor, {
        ...settings,
        prefix,
        // Commands wait for the reconnection instead of failing, so the worker outlives a Redis restart.
        connection: { url: connection.url, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: null },
      }) as unknown as AnyWorker<D>,
  };
}

/**
 * BullMQ on a Redis that evicts keys under memory pressure loses jobs silently. INFO rather than CONFIG GET,
 * because managed Redis services often disable CONFIG.
 */
async function checkRedis(
  url: string,
  location: string,
  connectTimeoutMs: number,
  { unavailable, holds }: BullMqQueueOptions,
): Promise<void> {
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
    throw new unavailable(`REDIS_URL: cannot reach Redis at ${location} (${reason(cause)})`, { cause });
  } finally {
    // Disconnecting a client whose socket already closed would leave ioredis's destroy timer running.
    if (client.status !== 'end') client.disconnect();
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy !== undefined && policy !== 'noeviction') {
    throw new unavailable(
      `REDIS_URL: Redis at ${location} has maxmemory-policy ${policy}; BullMQ needs noeviction (it would lose ${holds})`,
    );
  }
}

async function postgresBackend(
  connection: Extract<BullMqConnection, { kind: 'postgres' }>,
  { queueName, unavailable }: BullMqQueueOptions,
  connectTimeoutMs: number,
): Promise<Backend> {
  const location = hostPort(connection.url, 5432, 'DATABASE_URL', unavailable);
  const client = new Client({ connectionString: connection.url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined); // the rejected connect() below carries the error
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new unavailable(`DATABASE_URL: cannot reach PostgreSQL at ${location} (${reason(error)})`, {
      cause: error,
    });
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
    openQueue: <D>() =>
      new Queue(
        queueName,
        { connection: { ...pg, migrate: true } },
        createPostgresBackend,
      ) as unknown as AnyQueue<D>,
    openWorker: <D>(processor: (job: BullMqJob<D>) => Promise<void>, settings: WorkerSettings) =>
      new Worker(
        queueName,
        processor,
        { ...settings, connection: pg },
        createPostgresBackend,
      ) as unknown as AnyWorker<D>,
  };
}

function variableOf(backend: Backend): string {
  return backend.adapter === 'bullmq-redis' ? 'REDIS_URL' : 'DATABASE_URL';
}

/** `host:port` of a connection URL: what error messages and status() show instead of the URL's credentials. */
function hostPort(url: string, defaultPort: number, variable: string, unavailable: UnavailableError): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new unavailable(`${variable} is not a URL`);
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
