/**
 * The cost of the hash chain (issue 13, point 3), measured as an A/B in one process: alternating rounds of the
 * same appends through the current event store (content hashes in the client, chain links in the append
 * statement) and through the store as it was before hashing, each on a scratch database of its own on the same
 * server; then `verifyChain()` over a seeded log, in events/s.
 *
 * The "before" store is the committed libs/event-store of a scratch tree (the working tree's is the "after"):
 *   git archive HEAD libs/event-store | tar -x -C /tmp/fv-before && ln -s "$PWD/node_modules" /tmp/fv-before/
 *   BEFORE_TREE=/tmp/fv-before node -r ./test/support/ts-register.js bench/hash-chain.ts [--rounds N] [--verify-events N]
 * Without BEFORE_TREE only the verify figure is measured (max(3, --rounds) passes over --verify-events):
 *   node -r ./test/support/ts-register.js bench/hash-chain.ts --rounds 5
 * `--verify-only` with BEFORE_TREE skips the appends' A/B and alternates passes of the before tree's
 * verifyChain and this tree's over the same log (for a change to verification: BEFORE_TREE from
 * `git archive HEAD`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  type EventStore,
  type NewEvent,
  PostgresEventStore,
  type VerifyReport,
} from '@fristvagt/event-store';
import { benchEvent } from './events';
import { collectGarbage, CpuMeter, median, nowMs, otherLoadPercent, round, runConcurrent } from './stats';
import { admin, databaseUrl } from './postgres';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const rounds = arg('--rounds', 4);
const verifyEvents = arg('--verify-events', 100_000);
/** Only the verify figure; with BEFORE_TREE, alternating passes of that tree's verifyChain and this one's. */
const verifyOnly = process.argv.includes('--verify-only');

interface Opener {
  connect(options: { connectionString: string; poolSize?: number }): Promise<EventStore>;
}

function batches(appends: number, size: number): { stream: string; events: NewEvent[] }[] {
  return Array.from({ length: appends }, (_, n) => ({
    stream: `case-${randomUUID()}`,
    events: Array.from({ length: size }, (_, i) => benchEvent(n * size + i)),
  }));
}

const SCENARIOS = [
  { name: 'append 1 event, 1 client', clients: 1, appends: 300, size: 1 },
  { name: 'append 1 event, 16 clients', clients: 16, appends: 1_600, size: 1 },
  { name: 'append 10-event batches, 16 clients', clients: 16, appends: 480, size: 10 },
] as const;

/** One round: events/s, and CPU µs per event of this process plus the store's PostgreSQL sessions. */
async function round1(
  store: EventStore,
  database: string,
  scenario: (typeof SCENARIOS)[number],
): Promise<{ rate: number; cpuUs: number }> {
  const work = batches(scenario.appends, scenario.size);
  collectGarbage();
  const cpu = CpuMeter.start(database);
  const { seconds } = await runConcurrent(scenario.clients, work.length, async (n) => {
    await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
  });
  const used = cpu.stop();
  const events = scenario.appends * scenario.size;
  return { rate: events / seconds, cpuUs: ((used.ownSeconds + used.postgresSeconds) * 1e6) / events };
}

/** CPU µs a process has used so far, from /proc (Linux; 10 ms resolution). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * Serial appends on one connection of a pool of its own: CPU µs per event of the server backend (from /proc,
 * so other work on the machine does not count) and of this process.
 */
async function serialCpu(
  url: string,
  opener: Opener,
  size: number,
): Promise<{ serverUs: number; clientUs: number }> {
  const store = await opener.connect({ connectionString: url, poolSize: 1 });
  try {
    const [[pid]] = (await (store as PostgresEventStore)
      .sqlDriver()
      .query('SELECT pg_backend_pid()', [])) as [[number]];
    const work = batches(400, size);
    const server0 = processCpuUs(Number(pid));
    const client0 = process.cpuUsage();
    for (const w of work) await store.append(w.stream, w.events, { expectedRevision: 'no_stream' });
    const client = process.cpuUsage(client0);
    const events = work.length * size;
    return {
      serverUs: (processCpuUs(Number(pid)) - server0) / events,
      clientUs: (client.user + client.system) / events,
    };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const tag = `${process.pid}`;
  const stores: { label: string; store: EventStore; db: string }[] = [];
  const after = PostgresEventStore as unknown as Opener;
  const beforeTree = process.env.BEFORE_TREE;
  const openers: [string, Opener][] = [['with hashing', after]];
  if (beforeTree !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const before = require(join(beforeTree, 'libs/event-store/src/index.ts')) as {
      PostgresEventStore: Opener;
    };
    openers.unshift(['before hashing', before.PostgresEventStore]);
  }
  try {
    for (const [label, opener] of openers) {
      const db = `fv_bench_chain_${tag}_${stores.length}`;
      await admin(`CREATE DATABASE ${db}`);
      stores.push({
        label,
        db,
        store: await opener.connect({ connectionString: databaseUrl(db), poolSize: 20 }),
      });
    }
    if (stores.length > 1 && !verifyOnly) {
      const figures = new Map<string, { rate: number; cpuUs: number }[]>();
      const load = () =>
        loadavg()
          .map((l) => round(l, 1))
          .join(' ');
      console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), load average ${load()}`);
      for (let r = 0; r < rounds; r++) {
        // Alternate which store goes first, so a drift in the machine's load is shared.
        const order = r % 2 === 0 ? stores : [...stores].reverse();
        for (const scenario of SCENARIOS) {
          for (const { label, store, db } of order) {
            const key = `${scenario.name}|${label}`;
            figures.set(key, [...(figures.get(key) ?? []), await round1(store, db, scenario)]);
          }
        }
      }
      console.log(`A/B, ${rounds} alternating rounds; load average now ${load()}`);
      for (const scenario of SCENARIOS) {
        const a = figures.get(`${scenario.name}|before hashing`)!;
        const b = figures.get(`${scenario.name}|with hashing`)!;
        const rate = (x: typeof a) => median(x.map((f) => f.rate));
        const cpu = (x: typeof a) => median(x.map((f) => f.cpuUs));
        console.log(
          `${scenario.name}: events/s before ${Math.round(rate(a))} [${a.map((f) => Math.round(f.rate)).join(', ')}], ` +
            `with hashing ${Math.round(rate(b))} [${b.map((f) => Math.round(f.rate)).join(', ')}] ` +
            `(${round((rate(b) / rate(a) - 1) * 100, 1)}%); CPU µs/event (client + its PostgreSQL sessions) ` +
            `before ${round(cpu(a), 1)}, with hashing ${round(cpu(b), 1)} (${round((cpu(b) / cpu(a) - 1) * 100, 1)}%)`,
        );
      }
    }
    if (stores.length > 1 && !verifyOnly) {
      const cpu = new Map<string, { serverUs: number; clientUs: number }[]>();
      for (let r = 0; r < rounds; r++) {
        for (const size of [1, 10]) {
          const order = r % 2 === 0 ? stores : [...stores].reverse();
          for (const { label, db } of order) {
            const opener = openers.find(([l]) => l === label)![1];
            const key = `${size}|${label}`;
            cpu.set(key, [...(cpu.get(key) ?? []), await serialCpu(databaseUrl(db), opener, size)]);
          }
        }
      }
      for (const size of [1, 10]) {
        const line = stores.map(({ label }) => {
          const f = cpu.get(`${size}|${label}`)!;
          return `${label}: server ${round(median(f.map((x) => x.serverUs)), 1)}, client ${round(median(f.map((x) => x.clientUs)), 1)}`;
        });
        console.log(
          `serial appends of ${size} event(s), CPU µs per event (medians of ${rounds}): ${line.join('; ')}`,
        );
      }
    }
    const { store: hashedStore, db: hashedDb } = stores.find((s) => s.label === 'with hashing')!;
    const hashed = hashedStore as PostgresEventStore;
    const seeded = batches(verifyEvents / 10, 10);
    await runConcurrent(8, seeded.length, async (n) => {
      await hashed.append(seeded[n].stream, seeded[n].events);
    });
    const [[total]] = (await hashed.sqlDriver().query('SELECT count(*)::int FROM fristvagt.events', [])) as [
      [number],
    ];
    // The before tree's verifyChain on the same log, on a pool of its own, when there is one.
    const verifiers: [string, { verifyChain(): Promise<VerifyReport> }][] = [['this tree', hashed]];
    const beforeOpener = openers.find(([label]) => label === 'before hashing')?.[1];
    if (beforeOpener !== undefined) {
      const store = await beforeOpener.connect({ connectionString: databaseUrl(hashedDb), poolSize: 2 });
      stores.push({ label: 'before tree, verify', db: hashedDb, store });
      verifiers.unshift(['before tree', store as unknown as PostgresEventStore]);
    }
    for (let r = 0; r < Math.max(3, rounds) * verifiers.length; r++) {
      // Alternate, and swap which goes first every round, so a drift in the machine's load is shared.
      const turn = Math.floor(r / verifiers.length) % 2 === 0 ? r : r + 1;
      const [label, verifier] = verifiers[turn % verifiers.length];
      collectGarbage();
      const t0 = nowMs();
      const meter = CpuMeter.start(hashedDb);
      const report = await verifier.verifyChain();
      const seconds = (nowMs() - t0) / 1000;
      const cpu = meter.stop();
      const perEvent = (s: number) => round((s * 1e6) / report.events, 2);
      console.log(
        `verify --all (${label}): ${report.events} events (${total} in the table), ok=${report.ok}, ` +
          `${round(seconds, 2)} s, ${Math.round(report.events / seconds)} events/s, ` +
          `CPU µs per event: this process ${perEvent(cpu.ownSeconds)}, ` +
          `PostgreSQL ${perEvent(cpu.postgresSeconds)}; other work ${otherLoadPercent(cpu)}% of the machine; ` +
          `load average ${loadavg()[0].toFixed(1)}`,
      );
    }
  } finally {
    for (const { store } of stores) await store.close().catch(() => undefined);
    for (const db of new Set(stores.map((s) => s.db))) {
      await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
