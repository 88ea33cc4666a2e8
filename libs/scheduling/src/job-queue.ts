import {
  type JobAttempt,
  type JobQueueErrorListener,
  type JobQueueHandlers,
  PermanentJobFailure,
  type QueuedJob,
} from './job-queue.port';

/** A job queue that cannot be used: its backend is unreachable, misconfigured, or the queue is stopped. */
export class JobQueueUnavailable extends Error {
  readonly code = 'job-queue-unavailable';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JobQueueUnavailable';
  }
}

/** A job ready to store: its delay settled. */
export interface JobToStore<T> {
  readonly id: string;
  readonly data: T;
  readonly delayMs: number;
}

/**
 * The jobs of one `add`, checked. Ids are held to BullMQ's rules in every adapter, so that what the embedded
 * mode takes, Redis and PostgreSQL take too.
 */
export function jobsToStore<T>(jobs: readonly QueuedJob<T>[]): JobToStore<T>[] {
  return jobs.map(({ id, data, delayMs = 0 }) => {
    if (id === '' || id.includes(':') || `${parseInt(id, 10)}` === id) {
      throw new RangeError(`job id "${id}" cannot be used: it must not be empty, an integer or contain ':'`);
    }
    if (!Number.isFinite(delayMs)) throw new RangeError(`job ${id} has no valid delay: ${delayMs}`);
    return { id, data, delayMs: Math.max(0, delayMs) };
  });
}

/**
 * One attempt at a job, as every adapter makes it. Resolves `completed`, or `failed` once the job has failed
 * for good and `onFailed` has run; throws the handler's error when the job is to be tried again.
 */
export async function attemptJob<T>(
  handlers: JobQueueHandlers<T>,
  job: JobAttempt<T>,
  onError: JobQueueErrorListener,
): Promise<'completed' | 'failed'> {
  if (job.attempt > job.maxAttempts) {
    // BullMQ counts starts: one more than allowed means the process died during the last attempt.
    const error = new Error(`job ${job.id}: its process ended during its last attempt`);
    await failed(handlers, { ...job, attempt: job.maxAttempts }, error, onError);
    return 'failed';
  }
  try {
    await handlers.process(job);
    return 'completed';
  } catch (error) {
    const retrying = job.attempt < job.maxAttempts && !(error instanceof PermanentJobFailure);
    onError(error, { source: 'job', id: job.id, attempt: job.attempt, retrying });
    if (retrying) throw error instanceof Error ? error : new Error(String(error));
    await failed(handlers, job, error, onError);
    return 'failed';
  }
}

async function failed<T>(
  handlers: JobQueueHandlers<T>,
  job: JobAttempt<T>,
  error: unknown,
  onError: JobQueueErrorListener,
): Promise<void> {
  try {
    await handlers.onFailed?.(job, error);
  } catch (onFailedError) {
    onError(onFailedError, { source: 'on-failed', id: job.id });
  }
}
