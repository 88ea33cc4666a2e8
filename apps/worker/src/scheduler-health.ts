import type { Config } from '@fristvagt/config';

/** How the deadline wake-ups are driven: BullMQ on Redis when REDIS_URL is set, else a timer in the process. */
export type SchedulerAdapter = 'in-process-timer' | 'bullmq';

export interface SchedulerHealth {
  readonly adapter: SchedulerAdapter;
  /** `not-running`: no scheduler runs in this process (an api-only process, or none is registered). */
  readonly status: 'up' | 'down' | 'not-running';
  readonly detail?: string;
}

export interface SchedulerHealthIndicator {
  health(): Promise<SchedulerHealth>;
}

/** Nest injection token for the scheduler's health; the scheduler binds it in the worker. */
export const SCHEDULER_HEALTH = Symbol('SchedulerHealth');

export function schedulerAdapter(config: Config): SchedulerAdapter {
  return config.redisUrl === undefined ? 'in-process-timer' : 'bullmq';
}
