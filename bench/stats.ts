/** Small helpers for benchmarks: they print figures, they assert nothing. */
import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Figures {
  readonly name: string;
  readonly operations: number;
  readonly events: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  /** CPU used on the machine while the scenario ran, if measured. */
  readonly cpu?: CpuUse;
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
    ...(f.cpu ? { 'other load %': otherLoadPercent(f.cpu) } : {}),
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * A full garbage collection now: call it between building a scenario's payloads and starting its clock, so that
 * the previous scenario's payloads (hundreds of MB) are not collected on this one's time. The npm script starts
 * node without `--expose-gc`, so the flag is set at run time.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
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

/** CPU seconds over an interval, from Linux's /proc (all zero where there is none). */
export interface CpuUse {
  /** Cores × seconds: what the machine could have done. */
  readonly capacitySeconds: number;
  /** This process (the load generator and the client side of the store). */
  readonly ownSeconds: number;
  /** PostgreSQL working for this benchmark: its database's sessions and the server's own processes. */
  readonly postgresSeconds: number;
  /** Everything else: other work on a shared machine, including other databases' sessions on the server. */
  readonly otherSeconds: number;
}

/** Share of the machine that went to work other than this benchmark: high means a disturbed run. */
export function otherLoadPercent(cpu: CpuUse): number {
  return cpu.capacitySeconds > 0 ? Math.round((100 * cpu.otherSeconds) / cpu.capacitySeconds) : NaN;
}

/**
 * Measures CPU use while a scenario runs, so that runs disturbed by other work on a shared machine (other
 * programs, or other databases' sessions on the same server) show as such. Reads /proc at the start and at
 * the end only, to cost nothing in between; a session that starts in between counts whole, one that ends in
 * between (a parallel worker of an index build) counts as other work.
 */
export class CpuMeter {
  private readonly machineAtStart = machineSeconds();
  private readonly postgresAtStart: Map<string, number>;
  private readonly ownAtStart = process.cpuUsage();

  private constructor(private readonly database: string) {
    this.postgresAtStart = postgresSeconds(database);
  }

  /** `database`: the benchmark's database; sessions of other databases count as other work. */
  static start(database: string): CpuMeter {
    return new CpuMeter(database);
  }

  stop(): CpuUse {
    const own = process.cpuUsage(this.ownAtStart);
    const machine = machineSeconds();
    const ownSeconds = (own.user + own.system) / 1e6;
    let postgres = 0;
    for (const [key, seconds] of postgresSeconds(this.database)) {
      // A session that started meanwhile (a pool's new connection) spent all its CPU in the interval.
      postgres += seconds - (this.postgresAtStart.get(key) ?? 0);
    }
    const busy = machine.busy - this.machineAtStart.busy;
    return {
      capacitySeconds: machine.total - this.machineAtStart.total,
      ownSeconds,
      postgresSeconds: postgres,
      otherSeconds: Math.max(0, busy - ownSeconds - postgres),
    };
  }
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

function machineSeconds(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * A client session's process title: "postgres: [cluster: ]user database host(port) activity" (or [local] for a
 * Unix socket). Captures the database.
 */
const SESSION_TITLE = /\s(\S+)\s(?:\[local\]|[^\s()]+\(\d+\))(?:\s|$)/;

/**
 * CPU seconds of each `postgres` process that works for `database` (its sessions and the server's own
 * processes, such as the WAL writer), keyed by pid and start time (pids are reused).
 */
function postgresSeconds(database: string): Map<string, number> {
  const result = new Map<string, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return result;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    let title: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      stat = stat.slice(close + 2); // fields from the 3rd (state) on
    } catch {
      continue; // exited meanwhile
    }
    const session = SESSION_TITLE.exec(title);
    if (session && session[1] !== database) continue; // another database's session
    const fields = stat.split(' ');
    result.set(`${pid}@${fields[19]}`, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS); // utime + stime
  }
  return result;
}
