import { type Clock } from '@fristvagt/config';
import { BullMqScheduler } from './bullmq-scheduler';
import { InProcessScheduler } from './in-process-scheduler';
import { type SchedulerAdapterName, type WakeUpScheduler } from './scheduler.port';
import { type SchedulerErrorListener, SchedulerUnavailable } from './wake-up';

export interface OpenSchedulerOptions {
  readonly backend: SchedulerAdapterName;
  /** REDIS_URL, for `bullmq-redis`. */
  readonly redisUrl?: string;
  /** REDIS_PREFIX. Default `fristvagt`. */
  readonly redisPrefix?: string;
  /** DATABASE_URL, for `bullmq-postgres`. */
  readonly databaseUrl?: string;
  readonly horizonMs: number;
  readonly sweepEveryMs: number;
  readonly concurrency: number;
  readonly clock: Clock;
  /** Handler failures and connection trouble, for logging. */
  readonly onError?: SchedulerErrorListener;
}

/** The configured adapter, connected and checked; consuming starts with `start`. */
export async function openScheduler(options: OpenSchedulerOptions): Promise<WakeUpScheduler> {
  const { horizonMs, sweepEveryMs, concurrency, clock, onError } = options;
  const common = { horizonMs, sweepEveryMs, concurrency, clock, onError };
  switch (options.backend) {
    case 'in-process-timer':
      return new InProcessScheduler(common);
    case 'bullmq-redis':
      return BullMqScheduler.connect({
        ...common,
        connection: {
          kind: 'redis',
          url: required(options.redisUrl, 'REDIS_URL'),
          prefix: options.redisPrefix,
        },
      });
    case 'bullmq-postgres':
      return BullMqScheduler.connect({
        ...common,
        connection: { kind: 'postgres', url: required(options.databaseUrl, 'DATABASE_URL') },
      });
  }
}

function required(url: string | undefined, variable: string): string {
  if (url === undefined || url === '')
    throw new SchedulerUnavailable(`${variable} is required for this scheduler`);
  return url;
}
