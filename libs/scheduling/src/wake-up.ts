import { createHash } from 'node:crypto';
import { type WakeUp, type WakeUpHandlers } from './scheduler.port';

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

/**
 * One attempt at a wake-up, as every adapter makes it: a handler that throws is reported to `onError`, and
 * its error thrown on for the adapter to retry while attempts remain.
 */
export async function attemptWakeUp(
  handlers: WakeUpHandlers,
  wakeUp: WakeUp,
  /** 1 for the first. */
  attempt: number,
  maxAttempts: number,
  onError: SchedulerErrorListener,
): Promise<void> {
  try {
    await handlers.onWakeUp(wakeUp);
  } catch (error) {
    const retrying = attempt < maxAttempts;
    onError(error, { source: 'wake-up', wakeUp, attemptsMade: attempt, retrying });
    throw error instanceof Error ? error : new Error(String(error));
  }
}

/** A scheduler that cannot be used: its backend is unreachable, misconfigured, or the scheduler is stopped. */
export class SchedulerUnavailable extends Error {
  readonly code = 'scheduler-unavailable';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SchedulerUnavailable';
  }
}
