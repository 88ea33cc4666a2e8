import { type Clock } from '@fristvagt/config';
import { type BullMqJob, type BullMqOptions, BullMqQueue } from './bullmq-queue';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import {
  type SchedulerAdapterName,
  type SchedulerOptions,
  type SchedulerStatus,
  type WakeUp,
  type WakeUpHandlers,
  type WakeUpScheduler,
} from './scheduler.port';
import {
  attemptWakeUp,
  type SchedulerErrorListener,
  SchedulerUnavailable,
  wakeUpId,
  wakeUpInstantMs,
} from './wake-up';

export interface BullMqSchedulerOptions extends SchedulerOptions, BullMqOptions {
  /** Every delay is computed from here (`at − now`), so a process whose clock is offset fires at its "now". */
  readonly clock: Clock;
  /** Default `deadlines`. Tests use one queue each. */
  readonly queueName?: string;
  /** Default {@link DEFAULT_RETRY}. */
  readonly retry?: Partial<RetryPolicy>;
  /** Handler failures and connection trouble, for logging. Default: ignored. */
  readonly onError?: SchedulerErrorListener;
}

const WAKE_UP_JOB = 'wake-up';
const SWEEP_JOB = 'sweep';
const SWEEP_SCHEDULER_ID = 'deadline-sweep';
/** BullMQ names a job scheduler's jobs `repeat:<scheduler id>:<instant>`. */
const SWEEP_JOB_ID_PREFIX = `repeat:${SWEEP_SCHEDULER_ID}:`;
/** A failed wake-up stays inspectable for a week; the sweep is what brings its obligation back. */
const KEEP_FAILED_SECONDS = 7 * 24 * 3600;

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
  private readonly onError: SchedulerErrorListener;
  private upsertTimer?: NodeJS.Timeout;
  private upserting?: Promise<void>;

  private constructor(
    private readonly bull: BullMqQueue<WakeUp>,
    options: BullMqSchedulerOptions,
    onError: SchedulerErrorListener,
  ) {
    this.adapter = bull.adapter;
    this.clock = options.clock;
    this.horizonMs = options.horizonMs;
    this.sweepEveryMs = options.sweepEveryMs;
    this.concurrency = options.concurrency ?? 50;
    this.onError = onError;
  }

  /**
   * Checks the backend, then opens the queue. Refuses, with a {@link SchedulerUnavailable} naming REDIS_URL or
   * DATABASE_URL and host:port, a backend that is unreachable or a Redis that may evict keys.
   */
  static async connect(options: BullMqSchedulerOptions): Promise<BullMqScheduler> {
    const onError = options.onError ?? (() => undefined);
    const bull = await BullMqQueue.open<WakeUp>({
      ...options,
      queueName: options.queueName ?? 'deadlines',
      title: 'scheduler',
      holds: 'wake-ups',
      unavailable: SchedulerUnavailable,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      removeOnFail: { age: KEEP_FAILED_SECONDS },
      onBackendError: (error) => onError(error, { source: 'backend' }),
    });
    return new BullMqScheduler(bull, options, onError);
  }

  async schedule(wakeUps: readonly WakeUp[]): Promise<void> {
    const now = this.clock.now().getTime();
    const jobs = [];
    for (const wakeUp of wakeUps) {
      const atMs = wakeUpInstantMs(wakeUp);
      if (atMs > now + this.horizonMs) continue;
      const { caseId, obligationId, kind, at } = wakeUp;
      jobs.push({
        name: WAKE_UP_JOB,
        id: wakeUpId(wakeUp),
        data: { caseId, obligationId, kind, at },
        delayMs: Math.max(0, atMs - now),
      });
    }
    await this.bull.add(jobs);
  }

  async start(handlers: WakeUpHandlers): Promise<void> {
    await this.bull.consume((job) => this.process(job, handlers), { concurrency: this.concurrency });
    try {
      await this.upsertSweep();
    } catch (error) {
      throw this.bull.unavailable('consume wake-ups', error);
    }
    if (this.bull.stopped) return;
    // FLUSHALL (or a Redis restarted without persistence) deletes the job scheduler. Upserting it again is
    // idempotent, so every process does so on its own timer and the sweep comes back within an interval.
    this.upsertTimer = setInterval(() => {
      this.upserting ??= this.upsertSweep()
        .catch((error: unknown) => this.onError(error, { source: 'backend' }))
        .finally(() => (this.upserting = undefined));
    }, this.sweepEveryMs);
  }

  async stop(): Promise<void> {
    return this.bull.stop(async () => {
      clearInterval(this.upsertTimer);
      await this.upserting;
    });
  }

  async status(): Promise<SchedulerStatus> {
    const { adapter, location } = this.bull;
    const health = await this.bull.health(() => this.scheduledCount());
    return health.status === 'up'
      ? { adapter, status: 'up', location, scheduled: health.count }
      : { adapter, location, ...health };
  }

  /**
   * Delayed jobs, less the sweep's next run: it waits in the same queue but is not a wake-up. The count is
   * taken between two looks at the sweep's run, so that a sweep starting meanwhile (which adds the next run)
   * does not make it one off.
   */
  async scheduledCount(): Promise<number> {
    this.bull.assertOpen();
    for (let attempt = 1; ; attempt++) {
      const before = await this.sweepRun();
      const delayed = await this.bull.queue.getDelayedCount();
      const after = await this.sweepRun();
      if ((before.id === after.id && before.delayed === after.delayed) || attempt === 3) {
        return Math.max(0, delayed - (after.delayed ? 1 : 0));
      }
    }
  }

  private async sweepRun(): Promise<{ id?: string; delayed: boolean }> {
    const next = (await this.bull.queue.getJobScheduler(SWEEP_SCHEDULER_ID))?.next;
    if (next === undefined || next === null) return { delayed: false };
    const id = `${SWEEP_JOB_ID_PREFIX}${next}`;
    return { id, delayed: (await this.bull.queue.getJobState(id)) === 'delayed' };
  }

  private async upsertSweep(): Promise<void> {
    await this.bull.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: this.sweepEveryMs },
      // A failed sweep is not retried: the next one is an interval away.
      { name: SWEEP_JOB, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true } },
    );
  }

  private async process(job: BullMqJob<WakeUp>, handlers: WakeUpHandlers): Promise<void> {
    if (job.name === SWEEP_JOB) return this.sweep(job, handlers);
    await attemptWakeUp(handlers, job.data, job.attemptsMade + 1, job.opts.attempts ?? 1, this.onError);
  }

  /**
   * Each tick is one job, so one process sweeps it. A sweep that outlasts the interval would overlap the
   * next tick's in another process (BullMQ creates the next run when this one starts), and slow sweeps
   * would pile up; so a sweep that finds another one active skips its tick. Of two overlapping sweeps, the
   * later one to look sees the other, since each was active before it looked.
   */
  private async sweep(job: BullMqJob<WakeUp>, handlers: WakeUpHandlers): Promise<void> {
    const active = await this.bull.queue.getRanges(['active'], 0, -1);
    if (active.some((id) => id !== job.id && id.startsWith(SWEEP_JOB_ID_PREFIX))) return;
    try {
      await handlers.onSweep();
    } catch (error) {
      this.onError(error, { source: 'sweep' });
      throw error instanceof Error ? error : new Error(String(error));
    }
  }
}
