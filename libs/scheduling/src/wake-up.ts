import { createHash } from 'node:crypto';
import { type WakeUp } from './scheduler.port';

/** The instant of a wake-up in epoch milliseconds; an `at` that is not a date is a programming error. */
export function wakeUpInstantMs(wakeUp: WakeUp): number {
  const ms = Date.parse(wakeUp.at);
  if (Number.isNaN(ms)) {
    throw new RangeError(
      `wake-up ${wakeUp.kind} of obligation ${wakeUp.obligationId} has no valid instant: "${wakeUp.at}"`,
    );
  }
  return ms;
}

/**
 * The identity of a wake-up: the same (caseId, obligationId, kind, instant) gives the same id however `at`
 * is spelled, which is what makes scheduling idempotent. Hex, because BullMQ refuses ':' in custom job ids.
 */
export function wakeUpId(wakeUp: WakeUp): string {
  const instant = new Date(wakeUpInstantMs(wakeUp)).toISOString();
  const key = JSON.stringify([wakeUp.caseId, wakeUp.obligationId, wakeUp.kind, instant]);
  return `wake-${createHash('sha256').update(key).digest('hex')}`;
}

/** How a wake-up whose handler throws is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 8. */
  readonly attempts: number;
  /** Delay before the second attempt; each later delay doubles. Default 1 s. */
  readonly firstDelayMs: number;
  /** Ceiling of a single delay. Default 60 s. */
  readonly maxDelayMs: number;
  /**
   * Share of each delay drawn at random (0 to 1), so wake-ups that failed together (the database was down)
   * do not all come back in the same millisecond. Default 0.5.
   */
  readonly jitter: number;
}

/** 8 attempts over about two minutes: long enough to ride out a database restart. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: 0.5,
};

/** The delay before the next attempt, after `attemptsMade` failed ones (1 or more). */
export function retryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  random: () => number = Math.random,
): number {
  const full = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(full * (1 - policy.jitter * random()));
}

/** What went wrong, reported to `onError` (for logging): the adapters themselves never log. */
export type SchedulerErrorContext =
  | {
      readonly source: 'wake-up';
      readonly wakeUp: WakeUp;
      /** Attempts made so far, this one included. */
      readonly attemptsMade: number;
      /** False when this was the last attempt: the sweep is now the wake-up's only way back. */
      readonly retrying: boolean;
    }
  | { readonly source: 'sweep' }
  /** The queue's connection (Redis or PostgreSQL) reported a problem; BullMQ reconnects by itself. */
  | { readonly source: 'backend' };

export type SchedulerErrorListener = (error: unknown, context: SchedulerErrorContext) => void;

/** A scheduler that cannot be used: its backend is unreachable, misconfigured, or the scheduler is stopped. */
export class SchedulerUnavailable extends Error {
  readonly code = 'scheduler-unavailable';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SchedulerUnavailable';
  }
}
