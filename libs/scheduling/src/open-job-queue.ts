import { type BackendUrls, bullMqConnection } from './bullmq-queue';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueueUnavailable } from './job-queue';
import { type JobQueue, type JobQueueAdapterName, type JobQueueOptions } from './job-queue.port';

export interface OpenJobQueueOptions extends JobQueueOptions, BackendUrls {
  readonly backend: JobQueueAdapterName;
}

/** The configured adapter, connected and checked; consuming starts with `start`. */
export async function openJobQueue<T>(options: OpenJobQueueOptions): Promise<JobQueue<T>> {
  const { backend, name, concurrency, retry, onError } = options;
  const common = { name, concurrency, retry, onError };
  if (backend === 'in-process') return new InProcessJobQueue<T>(common);
  return BullMqJobQueue.connect<T>({
    ...common,
    connection: bullMqConnection({ ...options, backend }, JobQueueUnavailable),
  });
}
