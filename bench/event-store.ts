/**
 * Event store benchmark against PostgreSQL (fsync as the server has it). Prints events/s and latency
 * percentiles per scenario. Usage: npm run bench:store [-- --quick] [-- --runs N]
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database
 * is created and dropped for each run. With --runs N (default 1) it runs everything N times in a row and ends
 * with each scenario's figures per run and their median: on a shared machine one run proves little.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { NewEvent, PostgresEventStore, Position } from '@fristvagt/event-store';
import { benchEvent } from './events';
import { collectGarbage, CpuMeter, Figures, median, nowMs, round, runConcurrent, summarise } from './stats';
import { admin, databaseUrl } from './postgres';

const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 1;

/** Payloads are made before the clock starts: the load generator shares the 2 cores with the store. */
function prepare(appends: number, eventsPerAppend: number): { stream: string; events: NewEvent[] }[] {
  return Array.from({ length: appends }, (_, n) => ({
    stream: `case-${randomUUID()}`,
    events: Array.from({ length: eventsPerAppend }, (_, i) => benchEvent(n * eventsPerAppend + i)),
  }));
}

async function main(): Promise<void> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  const [settings] = (await admin(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, version() AS v",
  )) as { fsync: string; sync: string; v: string }[];
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `server: ${settings.v.split(' on ')[0]}, fsync=${settings.fsync}, synchronous_commit=${settings.sync}`,
  );
  const all: Figures[][] = [];
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) console.log(`run ${run} of ${runs}, ${new Date().toISOString()}`);
    all.push(await runOnce(`fv_bench_${process.pid}_${run}`));
  }
  if (runs > 1) printAcrossRuns(all);
}

/** Per scenario: events/s of every run, then the medians over the runs. */
function printAcrossRuns(all: Figures[][]): void {
  console.log(`${all.length} runs:`);
  console.table(
    all[0].map((first, i) => {
      const rows = all.map((results) => summarise(results[i]));
      const column = (key: string) => rows.map((r) => r[key] as number);
      return {
        scenario: first.name,
        'events/s per run': column('events/s').join(' '),
        'median events/s': Math.round(median(column('events/s'))),
        'p50 ms per run': column('p50 ms').join(' '),
        'median p50 ms': round(median(column('p50 ms')), 2),
        'median p99 ms': round(median(column('p99 ms')), 2),
        'other load % per run': column('other load %').join(' '),
      };
    }),
  );
}

async function runOnce(dbName: string): Promise<Figures[]> {
  await admin(`CREATE DATABASE ${dbName}`);
  const store = await PostgresEventStore.connect({ connectionString: databaseUrl(dbName), poolSize: 20 });
  const results: Figures[] = [];

  try {
    // Warm-up: connections, prepared statements, caches.
    await runConcurrent(16, 2_000 * scale, async (n) => {
      await store.append(`warm-${randomUUID()}`, [benchEvent(n)], { expectedRevision: 'no_stream' });
    });

    {
      const total = Math.round(3_000 * scale);
      const work = prepare(total, 1);
      collectGarbage();
      const meter = CpuMeter.start(dbName);
      const r = await runConcurrent(1, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 1 event, distinct streams, 1 client',
        operations: total,
        events: total,
        ...r,
        cpu: meter.stop(),
      });
    }
    {
      const total = Math.round(60_000 * scale);
      const work = prepare(total, 1);
      collectGarbage();
      const meter = CpuMeter.start(dbName);
      const r = await runConcurrent(16, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 1 event, distinct streams, 16 clients',
        operations: total,
        events: total,
        ...r,
        cpu: meter.stop(),
      });
    }
    {
      const total = Math.round(8_000 * scale);
      const work = prepare(total, 10);
      collectGarbage();
      const meter = CpuMeter.start(dbName);
      const r = await runConcurrent(16, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 10-event batches, 16 clients',
        operations: total,
        events: total * 10,
        ...r,
        cpu: meter.stop(),
      });
    }
    {
      const stream = `case-${randomUUID()}`;
      for (let i = 0; i < 10; i++) {
        await store.append(
          stream,
          Array.from({ length: 100 }, (_, j) => benchEvent(i * 100 + j)),
        );
      }
      const reads = Math.round(300 * scale);
      const latenciesMs: number[] = [];
      collectGarbage();
      const meter = CpuMeter.start(dbName);
      const start = nowMs();
      for (let i = 0; i < reads; i++) {
        const t0 = nowMs();
        const events = await store.readStream(stream);
        latenciesMs.push(nowMs() - t0);
        if (events.length !== 1_000) throw new Error(`read ${events.length} events, expected 1000`);
      }
      results.push({
        name: 'read one 1,000-event stream',
        operations: reads,
        events: reads * 1_000,
        seconds: (nowMs() - start) / 1000,
        latenciesMs,
        cpu: meter.stop(),
      });
    }
    {
      // Top the log up to at least 100,000 events.
      let count = 0;
      let from: Position | 'start' = 'start';
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 10_000 });
        if (page.length === 0) break;
        count += page.length;
        from = page[page.length - 1].position;
      }
      const target = Math.round(100_000 * scale);
      if (count < target) {
        const batches = Math.ceil((target - count) / 100);
        await runConcurrent(8, batches, async (n) => {
          await store.append(
            `fill-${randomUUID()}`,
            Array.from({ length: 100 }, (_, i) => benchEvent(n * 100 + i)),
          );
        });
      }
      const latenciesMs: number[] = [];
      let read = 0;
      from = 'start';
      collectGarbage();
      const logMeter = CpuMeter.start(dbName);
      const start = nowMs();
      for (;;) {
        const t0 = nowMs();
        const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
        latenciesMs.push(nowMs() - t0);
        if (page.length === 0) break;
        read += page.length;
        from = page[page.length - 1].position;
      }
      results.push({
        name: `read the whole log from 0 (pages of 5,000)`,
        operations: latenciesMs.length,
        events: read,
        seconds: (nowMs() - start) / 1000,
        latenciesMs,
        cpu: logMeter.stop(),
      });

      collectGarbage();
      const subMeter = CpuMeter.start(dbName);
      const subscription = store.subscribe({ from: 'start' });
      let seen = 0;
      const subStart = nowMs();
      for await (const _event of subscription) {
        if (++seen >= read) break;
      }
      await subscription.stop();
      results.push({
        name: 'subscriber catching up from 0',
        operations: 1,
        events: seen,
        seconds: (nowMs() - subStart) / 1000,
        latenciesMs: [],
        cpu: subMeter.stop(),
      });
    }
  } finally {
    await store.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
  console.table(results.map(summarise));
  console.log(
    "other load %: share of the machine's CPU that went to other work (other programs, other databases' sessions) " +
      'while the scenario ran; figures from a run where it is high are disturbed.',
  );
  const memory = process.memoryUsage();
  console.log(
    `peak-ish memory: rss ${round(memory.rss / 2 ** 20, 1)} MiB, heap ${round(memory.heapUsed / 2 ** 20, 1)} MiB`,
  );
  return results;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
