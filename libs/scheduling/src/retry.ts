/** How a job whose handler throws is tried again: wake-ups and queued jobs alike. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 8. */
  readonly attempts: number;
  /** Delay before the second attempt; each later delay doubles. Default 1 s. */
  readonly firstDelayMs: number;
  /** Ceiling of a single delay. Default 60 s. */
  readonly maxDelayMs: number;
  /**
   * Share of each delay drawn at random (0 to 1), so jobs that failed together (the database was down)
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
