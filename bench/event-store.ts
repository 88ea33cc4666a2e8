/**
 * Event store benchmark against PostgreSQL (fsync as the server has it). Prints events/s and latency
 * percentiles per scenario. Usage: npm run bench:store [-- --quick]
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database
 * is created and dropped.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { NewEvent, PostgresEventStore, Position } from '@fristvagt/event-store';
import { Figures, nowMs, round, runConcurrent, summarise } from './stats';

const quick = process.argv.includes('--quick');
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scale = quick ? 0.1 : 1;

function event(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'PoliceDocumentationReceived',
    data: {
      caseId: randomUUID(),
      kind: 'weekly-report',
      offenceCategories: ['violence', 'threats'],
      receivedAt: '2025-03-29T23:30:00.000Z',
      sequence: n,
    },
    metadata: {
      municipality: '461',
      actor: 'integration:bench',
      occurredAt: '2025-03-29T23:30:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** Payloads are made before the clock starts: the load generator shares the 2 cores with the store. */
function prepare(appends: number, eventsPerAppend: number): { stream: string; events: NewEvent[] }[] {
  return Array.from({ length: appends }, (_, n) => ({
    stream: `case-${randomUUID()}`,
    events: Array.from({ length: eventsPerAppend }, (_, i) => event(n * eventsPerAppend + i)),
  }));
}

async function admin(sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dbName = `fv_bench_${process.pid}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const store = await PostgresEventStore.connect({ connectionString: url.toString(), poolSize: 20 });
  const [settings] = (await admin(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, version() AS v",
  )) as { fsync: string; sync: string; v: string }[];
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  console.log(
    `server: ${settings.v.split(' on ')[0]}, fsync=${settings.fsync}, synchronous_commit=${settings.sync}`,
  );
  const results: Figures[] = [];

  try {
    // Warm-up: connections, prepared statements, caches.
    await runConcurrent(16, 2_000 * scale, async (n) => {
      await store.append(`warm-${randomUUID()}`, [event(n)], { expectedRevision: 'no_stream' });
    });

    {
      const total = Math.round(3_000 * scale);
      const work = prepare(total, 1);
      const r = await runConcurrent(1, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 1 event, distinct streams, 1 client',
        operations: total,
        events: total,
        ...r,
      });
    }
    {
      const total = Math.round(60_000 * scale);
      const work = prepare(total, 1);
      const r = await runConcurrent(16, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 1 event, distinct streams, 16 clients',
        operations: total,
        events: total,
        ...r,
      });
    }
    {
      const total = Math.round(8_000 * scale);
      const work = prepare(total, 10);
      const r = await runConcurrent(16, total, async (n) => {
        await store.append(work[n].stream, work[n].events, { expectedRevision: 'no_stream' });
      });
      results.push({
        name: 'append 10-event batches, 16 clients',
        operations: total,
        events: total * 10,
        ...r,
      });
    }
    {
      const stream = `case-${randomUUID()}`;
      for (let i = 0; i < 10; i++) {
        await store.append(
          stream,
          Array.from({ length: 100 }, (_, j) => event(i * 100 + j)),
        );
      }
      const reads = Math.round(300 * scale);
      const latenciesMs: number[] = [];
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
            Array.from({ length: 100 }, (_, i) => event(n * 100 + i)),
          );
        });
      }
      const latenciesMs: number[] = [];
      let read = 0;
      from = 'start';
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
      });

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
      });
    }
  } finally {
    await store.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
  console.table(results.map(summarise));
  const memory = process.memoryUsage();
  console.log(
    `peak-ish memory: rss ${round(memory.rss / 2 ** 20, 1)} MiB, heap ${round(memory.heapUsed / 2 ** 20, 1)} MiB`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
