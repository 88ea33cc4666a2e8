import { type RetryPolicy } from './retry';

/**
 * The job queue port: work that must be done and may fail for a while, such as delivering an alert
 * (a webhook, an e-mail). Every adapter (in-process timers, BullMQ on Redis, BullMQ on PostgreSQL) is held
 * to one contract suite (test/scheduling/job-queue-contract.ts).
 *
 * Guarantees every adapter gives:
 * - `add` is idempotent by id while the job is waiting, delayed or running; once it has ended (done or
 *   failed) the id may be added again, and runs again: a caller that re-adds from records that lag behind
 *   the queue gets a second run now and then.
 * - A job runs at least once, not before its delay, by one process at a time. A handler that throws is
 *   retried with exponential backoff and jitter until `retry.attempts` attempts are spent, then `onFailed`
 *   runs; a {@link PermanentJobFailure} goes to `onFailed` at once. On BullMQ an attempt cut short by a
 *   crash counts as one, so a job whose process keeps dying still ends in `onFailed`.
 * - What a queue holds may be lost (Redis flushed, the embedded process restarted): the caller keeps its own
 *   record of what is owed and adds it again. A queue keeps working for new jobs.
 */

/** A job to add. `data` must survive JSON: it is stored as such by the BullMQ adapters. */
export interface QueuedJob<T> {
  /** The job's identity: not empty, not an integer, no ':' (BullMQ's rules for its custom job ids). */
  readonly id: string;
  readonly data: T;
  /** Earliest start, ms from now. Default 0. */
  readonly delayMs?: number;
}

/** One attempt at a job, as the handlers see it. */
export interface JobAttempt<T> {
  readonly id: string;
  readonly data: T;
  /** 1 for the first. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** Thrown by a handler to fail the job at once, without further attempts (e.g. a destination that is refused). */
export class PermanentJobFailure extends Error {
  readonly code = 'permanent-job-failure';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobFailure';
  }
}

export interface JobQueueHandlers<T> {
  /** Resolves: done. Throws: retried with backoff until maxAttempts; PermanentJobFailure: no more attempts. */
  readonly process: (job: JobAttempt<T>) => Promise<void>;
  /**
   * After the last attempt failed (or a PermanentJobFailure), with the attempt's error. Called once per job,
   * or more than once if its process dies meanwhile. If it throws, that is reported to `onError`; the job is
   * over all the same.
   */
  readonly onFailed?: (job: JobAttempt<T>, error: unknown) => Promise<void>;
}

export type JobQueueAdapterName = 'in-process' | 'bullmq-redis' | 'bullmq-postgres';

export interface JobQueueStatus {
  readonly adapter: JobQueueAdapterName;
  readonly status: 'up' | 'down';
  /** Where it is, without credentials (host:port, or "in-process"). */
  readonly location: string;
  /** Jobs waiting, delayed (a retry included) or running, when the queue can tell. */
  readonly backlog?: number;
  readonly detail?: string;
}

export interface JobQueue<T> {
  readonly adapter: JobQueueAdapterName;
  /** Idempotent by id: a job whose id is waiting, delayed or running is not added again. Resolves once stored. */
  add(jobs: readonly QueuedJob<T>[]): Promise<void>;
  /** Starts consuming. Call once. */
  start(handlers: JobQueueHandlers<T>): Promise<void>;
  /** Stops consuming; attempts in flight finish first. Safe to call more than once. */
  stop(): Promise<void>;
  /** Jobs waiting, delayed (a retry included) or running. */
  backlog(): Promise<number>;
  status(): Promise<JobQueueStatus>;
}

/** What went wrong, reported to `onError` (for logging): the adapters themselves never log. */
export type JobQueueErrorContext =
  | {
      readonly source: 'job';
      readonly id: string;
      /** 1 for the first. */
      readonly attempt: number;
      /** False when the job has failed for good and goes to `onFailed`. */
      readonly retrying: boolean;
    }
  /** `onFailed` threw. */
  | { readonly source: 'on-failed'; readonly id: string }
  /** The queue's connection (Redis or PostgreSQL) reported a problem; BullMQ reconnects by itself. */
  | { readonly source: 'backend' };

export type JobQueueErrorListener = (error: unknown, context: JobQueueErrorContext) => void;

export interface JobQueueOptions {
  /** The queue's name, e.g. `alert-deliveries`: BullMQ's queue, and what error messages call it. */
  readonly name: string;
  /** Attempts run at once per process. */
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  /** Handler failures and connection trouble, for logging. Default: ignored. */
  readonly onError?: JobQueueErrorListener;
}
