import { systemClock } from '@fristvagt/config';
import { attemptJob, JobQueueUnavailable, jobsToStore } from './job-queue';
import {
  type JobQueue,
  type JobQueueErrorListener,
  type JobQueueHandlers,
  type JobQueueOptions,
  type JobQueueStatus,
  type QueuedJob,
} from './job-queue.port';
import { type RetryPolicy } from './retry';
import { TimerQueue } from './timer-queue';

/**
 * Jobs as timers in this process, for the embedded single-process mode. Nothing survives a restart: the
 * caller adds again what its own records say is still owed.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  readonly adapter = 'in-process';

  private readonly name: string;
  private readonly retry: RetryPolicy;
  private readonly onError: JobQueueErrorListener;
  private readonly timers: TimerQueue<T>;

  constructor(options: JobQueueOptions) {
    this.name = options.name;
    this.retry = options.retry;
    this.onError = options.onError ?? (() => undefined);
    this.timers = new TimerQueue({
      clock: systemClock,
      concurrency: options.concurrency,
      retry: options.retry,
    });
  }

  async add(jobs: readonly QueuedJob<T>[]): Promise<void> {
    if (this.timers.state === 'stopped') {
      throw new JobQueueUnavailable(`the in-process job queue ${this.name} is stopped`);
    }
    const now = systemClock.now().getTime();
    this.timers.add(
      jobsToStore(jobs).map(({ id, data, delayMs }) => ({
        id,
        // A copy through JSON, as BullMQ stores it: data that would not survive Redis fails here too.
        data: JSON.parse(JSON.stringify(data)) as T,
        dueMs: now + delayMs,
      })),
    );
  }

  async start(handlers: JobQueueHandlers<T>): Promise<void> {
    const maxAttempts = this.retry.attempts;
    this.timers.start(async ({ id, data, attempt }) => {
      await attemptJob(handlers, { id, data, attempt, maxAttempts }, this.onError);
    });
  }

  async stop(): Promise<void> {
    await this.timers.stop();
  }

  async backlog(): Promise<number> {
    return this.timers.size;
  }

  async status(): Promise<JobQueueStatus> {
    return {
      adapter: this.adapter,
      location: 'in-process',
      backlog: this.timers.size,
      ...this.timers.health(),
    };
  }
}
