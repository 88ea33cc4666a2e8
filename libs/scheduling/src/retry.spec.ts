import { retryDelayMs } from './retry';

describe('retryDelayMs', () => {
  const policy = { attempts: 8, firstDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0.5 };

  it('doubles from the first delay up to the ceiling', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 7, 8].map((n) => retryDelayMs(policy, n, noJitter))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000,
    ]);
  });

  it('takes off at most the jitter share of each delay', () => {
    expect(retryDelayMs(policy, 3, () => 0.999999)).toBe(2_000);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(3_000);
  });
});
