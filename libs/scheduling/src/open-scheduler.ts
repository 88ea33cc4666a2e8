import { type Clock } from '@fristvagt/config';
import { type BackendUrls, bullMqConnection } from './bullmq-queue';
import { BullMqScheduler } from './bullmq-scheduler';
import { InProcessScheduler } from './in-process-scheduler';
import { type SchedulerAdapterName, type WakeUpScheduler } from './scheduler.port';
import { type SchedulerErrorListener, SchedulerUnavailable } from './wake-up';

export interface OpenSchedulerOptions extends BackendUrls {
  readonly backend: SchedulerAdapterName;
  readonly horizonMs: number;
  readonly sweepEveryMs: number;
  readonly concurrency: number;
  readonly clock: Clock;
  /** Handler failures and connection trouble, for logging. */
  readonly onError?: SchedulerErrorListener;
}

/** The configured adapter, connected and checked; consuming starts with `start`. */
export async function openScheduler(options: OpenSchedulerOptions): Promise<WakeUpScheduler> {
  const { backend, horizonMs, sweepEveryMs, concurrency, clock, onError } = options;
  const common = { horizonMs, sweepEveryMs, concurrency, clock, onError };
  if (backend === 'in-process-timer') return new InProcessScheduler(common);
  return BullMqScheduler.connect({
    ...common,
    connection: bullMqConnection({ ...options, backend }, SchedulerUnavailable),
  });
}
