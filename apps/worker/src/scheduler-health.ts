import type { Config, SchedulerBackend } from '@fristvagt/config';

export interface SchedulerHealth {
  /** Where wake-ups live: BullMQ on Redis (REDIS_URL), BullMQ on PostgreSQL (DATABASE_URL alone), or timers. */
  readonly adapter: SchedulerBackend;
  /** `not-running`: no scheduler runs in this process (an api-only process). */
  readonly status: 'up' | 'down' | 'not-running';
  /** host:port, or "in-process"; never credentials. */
  readonly location?: string;
  /** Wake-ups waiting for their instant. */
  readonly scheduled?: number;
  readonly detail?: string;
}

export interface SchedulerHealthIndicator {
  health(): Promise<SchedulerHealth>;
}

/** Nest injection token for the scheduler's health; the worker binds it. */
export const SCHEDULER_HEALTH = Symbol('SchedulerHealth');

export function schedulerAdapter(config: Config): SchedulerBackend {
  return config.scheduler.backend;
}
