/** Small helpers for benchmarks: they print figures, they assert nothing. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export interface Figures {
  readonly name: string;
  readonly operations: number;
  readonly events: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

export function summarise(f: Figures): Record<string, string | number> {
  const sorted = [...f.latenciesMs].sort((a, b) => a - b);
  return {
    scenario: f.name,
    ops: f.operations,
    events: f.events,
    seconds: round(f.seconds, 2),
    'events/s': Math.round(f.events / f.seconds),
    'p50 ms': round(percentile(sorted, 50), 2),
    'p99 ms': round(percentile(sorted, 99), 2),
    'max ms': round(sorted[sorted.length - 1] ?? NaN, 2),
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `op` from `clients` concurrent loops until `total` operations are done; records each latency. */
export async function runConcurrent(
  clients: number,
  total: number,
  op: (n: number) => Promise<void>,
): Promise<{ seconds: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let n = next++; n < total; n = next++) {
        const t0 = nowMs();
        await op(n);
        latenciesMs.push(nowMs() - t0);
      }
    }),
  );
  return { seconds: (nowMs() - start) / 1000, latenciesMs };
}
