/**
 * The wake-up port. The event store is the truth; a scheduler only wakes the worker at the instants an
 * obligation must be checked (its warning instant and its due instant). Every adapter (in-process timers,
 * BullMQ on Redis, BullMQ on PostgreSQL) is held to one contract suite (test/scheduling/contract.ts).
 *
 * Guarantees every adapter gives:
 * - `schedule` is idempotent: a wake-up is identified by (caseId, obligationId, kind, at); scheduling the
 *   same one again while it waits does not make it fire twice.
 * - Only wake-ups within the horizon (at <= now + horizonMs) are kept; later ones are dropped, and the sweep
 *   schedules them once they come within it. A wake-up whose instant has passed fires at once.
 * - A wake-up fires at least once, not before its instant; a handler that throws is retried with backoff.
 *   Several processes may consume: each wake-up is handled by one of them at a time.
 * - The sweep runs every `sweepEveryMs` in one process of the deployment at a time (a BullMQ job scheduler,
 *   or a timer in the embedded mode). It refills the horizon from the read model and checks anything
 *   overdue, so a lost wake-up (Redis flushed, a process killed) is only late, never lost.
 */

export type WakeUpKind = 'warn' | 'due';

export interface WakeUp {
  readonly caseId: string;
  readonly obligationId: string;
  readonly kind: WakeUpKind;
  /** ISO-8601 UTC instant at which to check the obligation. */
  readonly at: string;
}

export interface WakeUpHandlers {
  /** Checks one obligation. Throwing makes the adapter retry it later. */
  readonly onWakeUp: (wakeUp: WakeUp) => Promise<void>;
  /** Refills the horizon and catches overdue obligations (see DeadlineSweep). */
  readonly onSweep: () => Promise<void>;
}

export type SchedulerAdapterName = 'in-process-timer' | 'bullmq-redis' | 'bullmq-postgres';

export interface SchedulerStatus {
  readonly adapter: SchedulerAdapterName;
  readonly status: 'up' | 'down';
  /** Where it is, without credentials (host:port, or "in-process"). */
  readonly location: string;
  /** Wake-ups waiting for their instant, when the adapter can tell cheaply. */
  readonly scheduled?: number;
  readonly detail?: string;
}

export interface WakeUpScheduler {
  readonly adapter: SchedulerAdapterName;
  /** Idempotent; drops wake-ups beyond the horizon. Resolves once they are durably queued. */
  schedule(wakeUps: readonly WakeUp[]): Promise<void>;
  /** Starts consuming wake-ups and running the sweep. Call once. */
  start(handlers: WakeUpHandlers): Promise<void>;
  /** Stops consuming; in-flight handlers finish first. Safe to call more than once. */
  stop(): Promise<void>;
  status(): Promise<SchedulerStatus>;
  /** Wake-ups waiting for their instant (delayed jobs, timers). */
  scheduledCount(): Promise<number>;
}

export interface SchedulerOptions {
  /** How far ahead wake-ups are kept. Default 48 h (SCHEDULER_HORIZON). */
  readonly horizonMs: number;
  /** Interval of the sweep. Default 30 s (SCHEDULER_SWEEP_INTERVAL). */
  readonly sweepEveryMs: number;
  /** Wake-ups handled at once per process. Default 50. */
  readonly concurrency?: number;
}

/** Nest injection token for the WakeUpScheduler. */
export const WAKE_UP_SCHEDULER = Symbol('WakeUpScheduler');
