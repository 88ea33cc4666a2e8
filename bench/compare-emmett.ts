/**
 * `npm run bench:compare`: Fristvagt's PostgreSQL event store against Emmett's (`@event-driven-io/
 * emmett-postgresql`, a leading open-source PostgreSQL event store for TypeScript), on the same
 * server, with the same payloads and the same pool size (20), in alternating rounds, each on a scratch
 * database. Prints events/s and latency per store and round, then the medians.
 *
 * Emmett is not a dependency of Fristvagt; install it for this benchmark only (package.json and the lock
 * stay as they are):
 *   npm install --no-save @event-driven-io/emmett-postgresql@0.42.0 @event-driven-io/emmett@0.42.0 \
 *     @event-driven-io/pongo@0.16.11
 * Usage: npm run bench:compare [-- --rounds N] (default 3; each round runs both stores).
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres).
 *
 * With BEFORE_TREE set, a third store runs in the same alternating rounds: Fristvagt's event store as it was
 * before the hash chain (issue 13 asks the store to stay within 10% of it), loaded from a scratch tree:
 *   git archive 7bfc703~1 libs/event-store | tar -x -C /tmp/fv-before && ln -s "$PWD/node_modules" /tmp/fv-before/
 *   BEFORE_TREE=/tmp/fv-before node --expose-gc -r ./test/support/ts-register.js bench/compare-emmett.ts --rounds 5
 * (through ts-register, because the scratch tree is TypeScript; the current store then runs the same way).
 *
 * Both stores are used as their documentation shows: append with "stream must not exist" to fresh streams,
 * read a whole stream. Emmett does more per append than Fristvagt needs (a streams table row per stream,
 * partitioned tables); that is part of what is compared.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type NewEvent, PostgresEventStore } from '@fristvagt/event-store';
import { benchEvent } from './events';
import { collectGarbage, CpuMeter, median, percentile, round, runConcurrent } from './stats';
import { admin, databaseUrl } from './postgres';

const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 3;
const POOL_SIZE = 20;
const CLIENTS = 16;
const SINGLE_APPENDS = 20_000;
const BATCH_APPENDS = 4_000;
const STREAM_READS = 200;
const EMMETT = '@event-driven-io/emmett-postgresql';

/** An event without its id: Emmett makes its own, and Fristvagt's ids are made inside the timed append too. */
type Payload = Omit<NewEvent, 'id'>;

/** What the benchmark needs of a store. */
interface Subject {
  /** Appends to a stream that must not exist yet. */
  appendNew(stream: string, events: readonly Payload[]): Promise<void>;
  /** Appends to an existing stream. */
  append(stream: string, events: readonly Payload[]): Promise<void>;
  /** Reads the whole stream; returns how many events it has. */
  read(stream: string): Promise<number>;
  close(): Promise<void>;
}

function payload(n: number): Payload {
  const { id: _id, ...event } = benchEvent(n);
  return event;
}

interface StoreOpener {
  connect(options: { connectionString: string; poolSize?: number }): Promise<{
    append(
      stream: string,
      events: readonly NewEvent[],
      options?: { expectedRevision?: 'no_stream' },
    ): Promise<unknown>;
    readStream(stream: string): Promise<readonly unknown[]>;
    close(): Promise<void>;
  }>;
}

async function fristvagt(url: string): Promise<Subject> {
  return fristvagtOf(PostgresEventStore, url);
}

/** The store before the hash chain, from BEFORE_TREE (see the head of this file). */
async function fristvagtBeforeHashing(url: string): Promise<Subject> {
  const tree = process.env.BEFORE_TREE;
  if (tree === undefined) throw new Error('BEFORE_TREE is not set');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const before = require(join(tree, 'libs/event-store/src/index.ts')) as { PostgresEventStore: StoreOpener };
  return fristvagtOf(before.PostgresEventStore, url);
}

async function fristvagtOf(opener: StoreOpener, url: string): Promise<Subject> {
  const store = await opener.connect({ connectionString: url, poolSize: POOL_SIZE });
  const withIds = (events: readonly Payload[]) => events.map((e) => ({ id: randomUUID(), ...e }));
  return {
    appendNew: async (stream, events) => {
      await store.append(stream, withIds(events), { expectedRevision: 'no_stream' });
    },
    append: async (stream, events) => {
      await store.append(stream, withIds(events));
    },
    read: async (stream) => (await store.readStream(stream)).length,
    close: () => store.close(),
  };
}

interface EmmettStore {
  appendToStream(
    stream: string,
    events: unknown[],
    options?: { expectedStreamVersion?: unknown },
  ): Promise<unknown>;
  readStream(stream: string): Promise<{ events: unknown[] }>;
  close(): Promise<void>;
}

async function emmett(url: string): Promise<Subject> {
  const { getPostgreSQLEventStore } = (await import(EMMETT)) as {
    getPostgreSQLEventStore: (connectionString: string) => EmmettStore;
  };
  const store = getPostgreSQLEventStore(url);
  const plain = (events: readonly Payload[]) => events.map((e) => ({ ...e }));
  return {
    appendNew: async (stream, events) => {
      await store.appendToStream(stream, plain(events), { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
    },
    append: async (stream, events) => {
      await store.appendToStream(stream, plain(events));
    },
    read: async (stream) => (await store.readStream(stream)).events.length,
    close: () => store.close(),
  };
}

const STORES = { fristvagt, 'fristvagt-before-hashing': fristvagtBeforeHashing, emmett } as const;
type StoreName = keyof typeof STORES;

interface Row {
  store: StoreName;
  single: number;
  singleP99: number;
  batch: number;
  batchP99: number;
  /** CPU per event of the 10-event batches, this process (client side) and PostgreSQL, µs. */
  batchClientUs: number;
  batchServerUs: number;
  readP50: number;
}

async function runRound(name: StoreName, index: number): Promise<Row> {
  const database = `fv_bench_cmp_${process.pid}_${index}_${name.replace(/-/g, '_')}`;
  await admin(`CREATE DATABASE ${database}`);
  const store = await STORES[name](databaseUrl(database));
  try {
    await store.appendNew(`warm-${randomUUID()}`, [payload(0)]); // schema creation is not timed
    const singles = Array.from({ length: SINGLE_APPENDS }, (_, n) => [payload(n)]);
    const batches = Array.from({ length: BATCH_APPENDS }, (_, n) =>
      Array.from({ length: 10 }, (_, i) => payload(n * 10 + i)),
    );
    const streams = (count: number) => Array.from({ length: count }, () => `case-${randomUUID()}`);
    const singleStreams = streams(SINGLE_APPENDS);
    const batchStreams = streams(BATCH_APPENDS);

    collectGarbage();
    const single = await runConcurrent(CLIENTS, SINGLE_APPENDS, (n) =>
      store.appendNew(singleStreams[n]!, singles[n]!),
    );
    collectGarbage();
    const meter = CpuMeter.start(database);
    const batch = await runConcurrent(CLIENTS, BATCH_APPENDS, (n) =>
      store.appendNew(batchStreams[n]!, batches[n]!),
    );
    const batchCpu = meter.stop();

    const long = `case-${randomUUID()}`;
    for (let i = 0; i < 100; i++) {
      const events = Array.from({ length: 10 }, (_, k) => payload(i * 10 + k));
      await (i === 0 ? store.appendNew(long, events) : store.append(long, events));
    }
    const count = await store.read(long);
    if (count !== 1_000) throw new Error(`${name} read ${count} events of 1,000`);
    collectGarbage();
    const reads = await runConcurrent(1, STREAM_READS, async () => {
      await store.read(long);
    });

    const sorted = (ms: number[]) => [...ms].sort((a, b) => a - b);
    return {
      store: name,
      single: Math.round(SINGLE_APPENDS / single.seconds),
      singleP99: round(percentile(sorted(single.latenciesMs), 99), 2),
      batch: Math.round((BATCH_APPENDS * 10) / batch.seconds),
      batchP99: round(percentile(sorted(batch.latenciesMs), 99), 2),
      batchClientUs: round((batchCpu.ownSeconds * 1e6) / (BATCH_APPENDS * 10), 1),
      batchServerUs: round((batchCpu.postgresSeconds * 1e6) / (BATCH_APPENDS * 10), 1),
      readP50: round(percentile(sorted(reads.latenciesMs), 50), 2),
    };
  } finally {
    await store.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

function table(rows: readonly Row[]): Record<string, string | number>[] {
  return rows.map((r) => ({
    store: r.store,
    '1-event appends, 16 clients: events/s': r.single,
    'p99 ms': r.singleP99,
    '10-event batches, 16 clients: events/s': r.batch,
    'batch p99 ms': r.batchP99,
    'batch CPU µs/event: client + PostgreSQL': `${r.batchClientUs} + ${r.batchServerUs}`,
    '1,000-event stream read: p50 ms': r.readP50,
  }));
}

async function main(): Promise<void> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive whole number');
  try {
    await import(EMMETT);
  } catch {
    console.error(
      `${EMMETT} is not installed. Install it for this benchmark only:\n` +
        '  npm install --no-save @event-driven-io/emmett-postgresql@0.42.0 @event-driven-io/emmett@0.42.0 ' +
        '@event-driven-io/pongo@0.16.11',
    );
    process.exitCode = 2;
    return;
  }
  // Emmett opens its pg pools itself (pg's default of 10 connections); give them the same size as Fristvagt's,
  // and keep the connections that DROP DATABASE ... WITH (FORCE) ends from crashing the process.
  const BasePool = pg.Pool;
  pg.Pool = class extends BasePool {
    constructor(config?: pg.PoolConfig) {
      super({ ...config, max: POOL_SIZE });
      this.on('error', () => undefined);
    }
  };
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const names: StoreName[] =
    process.env.BEFORE_TREE === undefined
      ? ['fristvagt', 'emmett']
      : ['fristvagt', 'fristvagt-before-hashing', 'emmett'];
  const rows: Row[] = [];
  for (let r = 0; r < rounds; r++) {
    // Rotate which store goes first, so none always runs on a warmer server.
    const order = names.map((_, i) => names[(i + r) % names.length]!);
    for (const name of order) {
      rows.push(await runRound(name, r));
      console.table(table(rows.slice(-1)));
    }
  }
  const medians = (name: StoreName): Row => {
    const of = rows.filter((r) => r.store === name);
    const m = (pick: (r: Row) => number) => median(of.map(pick));
    return {
      store: name,
      single: m((r) => r.single),
      singleP99: m((r) => r.singleP99),
      batch: m((r) => r.batch),
      batchP99: m((r) => r.batchP99),
      batchClientUs: m((r) => r.batchClientUs),
      batchServerUs: m((r) => r.batchServerUs),
      readP50: m((r) => r.readP50),
    };
  };
  console.log(`medians over ${rounds} rounds (load average now ${loadavg()[0].toFixed(1)}):`);
  console.table(table(names.map(medians)));
  if (process.env.BEFORE_TREE !== undefined) {
    const [now, before] = [medians('fristvagt'), medians('fristvagt-before-hashing')];
    const change = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
    console.log(
      `with hashing against before: 1-event appends ${change(now.single, before.single)}, ` +
        `10-event batches ${change(now.batch, before.batch)} (CPU per event: client ${change(now.batchClientUs, before.batchClientUs)}, ` +
        `PostgreSQL ${change(now.batchServerUs, before.batchServerUs)}), stream read p50 ${change(now.readP50, before.readP50)} (time)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
