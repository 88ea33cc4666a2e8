import { UnrecoverableError } from 'bullmq';
import { type BullMqJob, type BullMqOptions, BullMqQueue } from './bullmq-queue';
import { attemptJob, JobQueueUnavailable, jobsToStore } from './job-queue';
import {
  type JobQueue,
  type JobQueueAdapterName,
  type JobQueueErrorListener,
  type JobQueueHandlers,
  type JobQueueOptions,
  type JobQueueStatus,
  type QueuedJob,
} from './job-queue.port';

export interface BullMqJobQueueOptions extends JobQueueOptions, BullMqOptions {}

const JOB = 'job';

/**
 * Jobs of one BullMQ queue (named after the job queue), on Redis or on PostgreSQL. A job's id is its BullMQ
 * job id, so adding it again is a no-op while it is in the queue. Jobs that end are removed, done or failed:
 * `onFailed` is the record of a failure, and the id can be added anew.
 */
export class BullMqJobQueue<T> implements JobQueue<T> {
  readonly adapter: JobQueueAdapterName;

  private constructor(
    private readonly bull: BullMqQueue<T>,
    private readonly options: BullMqJobQueueOptions,
    private readonly onError: JobQueueErrorListener,
  ) {
    this.adapter = bull.adapter;
  }

  /**
   * Checks the backend, then opens the queue. Refuses, with a {@link JobQueueUnavailable} naming REDIS_URL or
   * DATABASE_URL and host:port, a backend that is unreachable or a Redis that may evict keys.
   */
  static async connect<T>(options: BullMqJobQueueOptions): Promise<BullMqJobQueue<T>> {
    const onError = options.onError ?? (() => undefined);
    const bull = await BullMqQueue.open<T>({
      ...options,
      queueName: options.name,
      title: `job queue ${options.name}`,
      holds: 'jobs',
      unavailable: JobQueueUnavailable,
      removeOnFail: true,
      onBackendError: (error) => onError(error, { source: 'backend' }),
    });
    return new BullMqJobQueue(bull, options, onError);
  }

  async add(jobs: readonly QueuedJob<T>[]): Promise<void> {
    await this.bull.add(jobsToStore(jobs).map((job) => ({ name: JOB, ...job })));
  }

  async start(handlers: JobQueueHandlers<T>): Promise<void> {
    await this.bull.consume((job) => this.process(job, handlers), {
      concurrency: this.options.concurrency,
      // A job whose holder died is taken back as often as it has attempts, and each start counts as one
      // (see process): BullMQ never fails it unseen, so onFailed runs for it too.
      maxStalledCount: this.options.retry.attempts,
    });
  }

  stop(): Promise<void> {
    return this.bull.stop();
  }

  async backlog(): Promise<number> {
    this.bull.assertOpen();
    return this.bull.queue.getJobCountByTypes('waiting', 'delayed', 'active');
  }

  async status(): Promise<JobQueueStatus> {
    const { adapter, location } = this.bull;
    const health = await this.bull.health(() => this.backlog());
    return health.status === 'up'
      ? { adapter, status: 'up', location, backlog: health.count }
      : { adapter, location, ...health };
  }

  /** The attempt is the job's start count, so that one cut short by a crash counts too. */
  private async process(job: BullMqJob<T>, handlers: JobQueueHandlers<T>): Promise<void> {
    const attempt = {
      id: job.id!,
      data: job.data,
      attempt: job.attemptsStarted,
      maxAttempts: job.opts.attempts ?? 1,
    };
    if ((await attemptJob(handlers, attempt, this.onError)) === 'failed') {
      // onFailed has run: no attempt is left for BullMQ to make.
      throw new UnrecoverableError(`job ${job.id} failed`);
    }
  }
}
