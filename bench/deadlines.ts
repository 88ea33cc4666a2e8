/**
 * `npm run bench:deadlines`: the deadline engine with a million open obligations, on PostgreSQL (fsync as
 * the server has it) and BullMQ on a redis-server of the benchmark's own (`--maxmemory-policy noeviction`).
 * Prints figures and one verdict line per target of issue 9; it asserts nothing.
 *
 * 1. Seeds 100,000 cases of 10 obligations each through the event store (a CaseOpened, then ten
 *    ObligationOpened in one append), due at Copenhagen midnights 7 to 186 days ahead: none within the 48 h
 *    horizon, none warned within it either.
 * 2. Builds the obligations projection from the start of that log (ProjectionRunner.runUntilCaughtUp),
 *    wired as the worker wires it: afterCommit → DeadlineEngine.afterCommit → BullMQ.
 * 3. Times the sweep (DeadlineEngine.sweep, horizon 48 h) and the bare ObligationsReadModel.dueChecks query.
 * 4. Starts the worker side in this process, as FRISTVAGT_ROLE=worker runs it (the projection's live loop,
 *    scheduler.start with the engine's handlers, concurrency 50, sweep every 30 s), then writes 10,000 more
 *    obligations, one per new case, due evenly over one minute that starts 25 s later. Each must be breached
 *    exactly once; detection latency is detectedAt − dueAt of its ObligationBreached, read from the log.
 * 5. Reads Redis's used_memory before those are scheduled and while their wake-ups wait.
 *
 * Every statutory due falls at a Copenhagen midnight, so no real rule makes 10,000 obligations fall due
 * within one minute, nor spreads a 7-day rule over months. The benchmark therefore writes the obligation
 * events itself, as the domain writes them: the ObligationOpened the decider makes for a police notification
 * (NSR-CONVENE), with the due instants (and, for the minute's, no warning) chosen here, on `case-<uuid>`
 * streams opened by the decider's own CaseOpened.
 *
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database is
 * created and dropped. --quick runs a tenth: 10,000 cases (100,000 obligations), 1,000 due in the minute,
 * starting 15 s after they are written.
 *
 * `-- --only rebuild [--runs N] [--batch N] [--fresh]` runs step 2 alone, N times (default 3), each from an
 * empty read-model schema, without Redis and without afterCommit (the projection's own cost), and prints CPU
 * per event of this process and of PostgreSQL beside events/s: the machine is shared, so wall-clock rates
 * are noisy. The log is seeded once into a database that is kept (`fv_bench_deadlines_kept`, or
 * BENCH_DEADLINES_DB), so that repeated measurements, of this code or of another build, read the same log;
 * --fresh seeds it again.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import {
  caseRules,
  caseStreamName,
  type CheckObligationOutcome,
  toNewEvents,
} from '@fristvagt/case-commands';
import { systemClock, tuneGarbageCollection } from '@fristvagt/config';
import {
  addDays,
  type CaseEvent,
  decideCase,
  dueOnDate,
  evolveCase,
  initialCaseState,
  localDateOf,
  type ObligationOpened,
  startOfLocalDay,
} from '@fristvagt/domain';
import { PostgresEventStore } from '@fristvagt/event-store';
import {
  DEFAULT_REBUILD_BATCH,
  obligationsProjection,
  ObligationsReadModel,
  OPEN_STATES,
  openPostgresReadModels,
  ProjectionRunner,
  readCheckpoint,
  type ReadModelDatabase,
} from '@fristvagt/projections';
import { DeadlineEngine, openScheduler, type WakeUpScheduler } from '@fristvagt/scheduling';
import { type PrivateRedis, startPrivateRedis } from './private-redis';
import {
  collectGarbage,
  CpuMeter,
  type CpuUse,
  median,
  nowMs,
  otherLoadPercent,
  percentile,
  round,
} from './stats';
import { admin, databaseUrl } from './postgres';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const only = option('--only');
const scale = quick ? 0.1 : 1;
const dbName =
  only === 'rebuild'
    ? (process.env.BENCH_DEADLINES_DB ?? `fv_bench_deadlines_kept${quick ? '_quick' : ''}`)
    : `fv_bench_deadlines_${process.pid}`;

const CASES = 100_000 * scale;
const OBLIGATIONS_PER_CASE = 10;
/** Dues at the Copenhagen midnights of days FIRST_DUE_DAY … FIRST_DUE_DAY + DUE_DAYS − 1 from today. */
const FIRST_DUE_DAY = 7;
const DUE_DAYS = 180;
const IN_THE_MINUTE = 10_000 * scale;
const SPREAD_MS = 60_000;
/** From the start of the minute's writes to the first of its due instants. */
const LEAD_MS = quick ? 15_000 : 25_000;
/** The service's defaults (SCHEDULER_HORIZON, SCHEDULER_SWEEP_INTERVAL, SCHEDULER_CONCURRENCY, pool sizes). */
const HORIZON_MS = 48 * 3_600_000;
const SWEEP_EVERY_MS = 30_000;
const WAKE_UP_CONCURRENCY = 50;
const STORE_POOL = 20;
const WRITERS = 16;
const SWEEP_RUNS = 7;
const MUNICIPALITY = '461';

/** Issue 9's targets. */
const OPEN_TARGET = 1_000_000;
const REBUILD_TARGET_PER_SECOND = 50_000;
const SWEEP_TARGET_MS = 1_000;
const DETECTION_P99_TARGET_MS = 1_000;

const rulesFor = caseRules({});

/** The decider's CaseOpened for a new case. */
function caseOpened(caseId: string, at: string): CaseEvent[] {
  const decided = decideCase(
    {
      type: 'OpenCase',
      occurredAt: at,
      data: { caseId, municipality: MUNICIPALITY, birthDate: '2010-03-01', person: null },
    },
    initialCaseState,
    { now: at, rules: rulesFor(MUNICIPALITY) },
  );
  if (!decided.ok) throw new Error(`cannot open a bench case: ${decided.error.code}`);
  return decided.value;
}

/** The ObligationOpened the decider makes for a police notification received at `at` (NSR-CONVENE). */
export function decidedObligation(at: string): ObligationOpened {
  const state = caseOpened(randomUUID(), at).reduce(evolveCase, initialCaseState);
  const decided = decideCase(
    {
      type: 'RecordPoliceDocumentation',
      occurredAt: at,
      data: { documentationId: 'pol-0', kind: 'interview-invitation', offenceCategories: ['robbery'] },
    },
    state,
    { now: at, rules: rulesFor(MUNICIPALITY) },
  );
  if (!decided.ok) throw new Error(`cannot notify the police on a bench case: ${decided.error.code}`);
  const opened = decided.value.find((event): event is ObligationOpened => event.type === 'ObligationOpened');
  if (opened === undefined) throw new Error('the police notification opened no obligation');
  return opened;
}

/** `template` as the obligation of documentation `pol-<k>`, due at `dueAt` (the end of local day `dueDate`). */
export function obligation(
  template: ObligationOpened,
  k: number,
  due: { dueAt: string; dueDate: string },
  warnAt: string | null,
): ObligationOpened {
  const documentationId = `pol-${k}`;
  return {
    ...template,
    data: {
      ...template.data,
      obligationId: `${template.data.ruleId}:documentation:${documentationId}`,
      subject: { kind: 'documentation', id: documentationId },
      triggeredBy: { type: template.data.triggeredBy.type, key: `${documentationId}@${template.occurredAt}` },
      dueAt: due.dueAt,
      dueDate: due.dueDate,
      strictDueAt: due.dueAt,
      strictDueDate: due.dueDate,
      warnAt,
    },
  };
}

/** A case as two commands would write it: CaseOpened, then its obligations in one append. */
export async function writeCase(
  store: PostgresEventStore,
  caseId: string,
  at: string,
  obligations: readonly ObligationOpened[],
): Promise<void> {
  const stream = caseStreamName(caseId);
  const context = { municipality: MUNICIPALITY, actor: 'bench', idempotency: null };
  await store.append(
    stream,
    toNewEvents(caseOpened(caseId, at), { ...context, correlationId: randomUUID() }),
    {
      expectedRevision: 'no_stream',
    },
  );
  await store.append(stream, toNewEvents(obligations, { ...context, correlationId: randomUUID() }), {
    expectedRevision: 0n,
  });
}

/** Runs `op(n)` for n < total from `writers` concurrent loops. */
export async function inParallel(
  writers: number,
  total: number,
  op: (n: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let n = next++; n < total; n = next++) await op(n);
    }),
  );
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

async function openObligationCount(readModel: ObligationsReadModel): Promise<number> {
  const rows = await readModel.summary({ municipalities: null });
  return rows.filter((row) => OPEN_STATES.includes(row.state)).reduce((sum, row) => sum + row.count, 0);
}

/** Step 1: a million open obligations (a tenth with --quick), through the event store. */
async function seed(store: PostgresEventStore): Promise<void> {
  const openedAt = new Date().toISOString();
  const template = decidedObligation(openedAt);
  // The rule's warning lead in local days, as the decider applies it to a due date.
  const lead = rulesFor(MUNICIPALITY).warningLeadDays['NSR-CONVENE'];
  const today = localDateOf(openedAt);
  const daysPerObligation = DUE_DAYS / OBLIGATIONS_PER_CASE;
  collectGarbage();
  const meter = CpuMeter.start(dbName);
  const t0 = nowMs();
  await inParallel(WRITERS, CASES, async (c) => {
    const obligations = Array.from({ length: OBLIGATIONS_PER_CASE }, (_, k) => {
      const due = dueOnDate(addDays(today, FIRST_DUE_DAY + k * daysPerObligation + (c % daysPerObligation)));
      return obligation(template, k, due, startOfLocalDay(addDays(due.dueDate, 1 - lead)));
    });
    await writeCase(store, randomUUID(), openedAt, obligations);
  });
  const seedEvents = CASES * (1 + OBLIGATIONS_PER_CASE);
  const seedSeconds = (nowMs() - t0) / 1000;
  console.log(
    `seeded: ${n(CASES)} cases, ${n(seedEvents)} events in ${seedSeconds.toFixed(1)} s ` +
      `(${n(seedEvents / seedSeconds)} events/s, ${WRITERS} writers, ${n(CASES * 2)} appends; ${load(meter.stop())}); ` +
      `dues ${addDays(today, FIRST_DUE_DAY)} to ${addDays(today, FIRST_DUE_DAY + DUE_DAYS - 1)}, warnings ${lead} days before`,
  );
}

interface Timing {
  readonly name: string;
  readonly ms: number[];
  readonly found: string;
}

/** `runs` sweeps (or as many as fit before `until`, epoch ms), each timed alone. */
async function timeSweeps(
  engine: DeadlineEngine,
  readModel: ObligationsReadModel,
  runs: number,
  until = Infinity,
): Promise<Timing[]> {
  const sweep: number[] = [];
  const query: number[] = [];
  let sweepFound = '';
  let queryFound = '';
  for (let i = 0; i < runs && Date.now() < until; i++) {
    const report = await engine.sweep();
    sweep.push(report.durationMs);
    sweepFound = `${report.overdue} overdue, ${report.scheduled} scheduled`;
    const now = new Date();
    const t0 = nowMs();
    const checks = await readModel.dueChecks(
      now.toISOString(),
      new Date(now.getTime() + HORIZON_MS).toISOString(),
      100_000,
    );
    query.push(nowMs() - t0);
    queryFound = `${checks.overdue.length} overdue, ${checks.upcoming.length} upcoming`;
  }
  return [
    { name: 'DeadlineEngine.sweep()', ms: sweep, found: sweepFound },
    { name: 'ObligationsReadModel.dueChecks', ms: query, found: queryFound },
  ];
}

function timingRow(context: string, timing: Timing): Record<string, string | number> {
  return {
    'open obligations': context,
    what: timing.name,
    runs: timing.ms.length,
    'ms per run': timing.ms.map((ms) => round(ms, 1)).join(' '),
    'median ms': round(median(timing.ms), 1),
    'max ms': round(Math.max(...timing.ms), 1),
    found: timing.found,
  };
}

/**
 * Runs `runner` until it has caught up with the log, timed, with the CPU of this process and of the bench
 * database's sessions; and the live generation it built, with the events that generation applied. `busy` is
 * the share of the time this process's event loop was not waiting (on the server, mostly): what is left of
 * it, less the switch-over (which is all waiting), is how much the two sides fail to overlap.
 */
async function timedRebuild(
  runner: ProjectionRunner,
  db: ReadModelDatabase,
  readModel: ObligationsReadModel,
): Promise<{ seconds: number; cpu: CpuUse; rebuilt: number; generation: number; busy: number }> {
  collectGarbage();
  const meter = CpuMeter.start(dbName);
  const t0 = nowMs();
  const loop = performance.eventLoopUtilization();
  await runner.runUntilCaughtUp();
  const busy = performance.eventLoopUtilization(loop).utilization;
  const seconds = (nowMs() - t0) / 1000;
  const cpu = meter.stop();
  const { generation } = await readModel.tables();
  const rebuilt = (await readCheckpoint(db, obligationsProjection.name, generation))?.events ?? 0;
  return { seconds, cpu, rebuilt, generation, busy };
}

function load(cpu: CpuUse): string {
  return `other load ${otherLoadPercent(cpu)}%`;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const verdict = (met: boolean) =>
  (met ? 'met' : 'not met') + (quick ? ' (quick run: a tenth of the size)' : '');

async function printSetUp(): Promise<void> {
  const [settings] = await admin(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, " +
      "current_setting('shared_buffers') AS buffers, version() AS v",
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}` +
      ` (${process.execArgv.join(' ') || 'no node flags'})`,
  );
  console.log(
    `server: ${String(settings.v).split(' on ')[0]}, fsync=${String(settings.fsync)}, ` +
      `synchronous_commit=${String(settings.sync)}, shared_buffers=${String(settings.buffers)}`,
  );
  console.log(
    `size: ${n(CASES)} cases × ${OBLIGATIONS_PER_CASE} obligations, ${n(IN_THE_MINUTE)} more due in one minute` +
      (quick ? ' (--quick: a tenth)' : '') +
      `; started ${new Date().toISOString()}`,
  );
}

/**
 * `--only rebuild`: step 2 alone, `--runs` times, on a log seeded once into a kept database; each run starts
 * from an empty read-model schema (a first build, as after a version change with nothing serving).
 */
async function rebuildOnly(): Promise<void> {
  const runs = Number(option('--runs') ?? 3);
  const batch = option('--batch') === undefined ? undefined : Number(option('--batch'));
  const expected = CASES * (1 + OBLIGATIONS_PER_CASE);
  await printSetUp();
  if (process.argv.includes('--fresh')) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const exists = (await admin(`SELECT FROM pg_database WHERE datname = '${dbName}'`)).length > 0;
  if (!exists) await admin(`CREATE DATABASE ${dbName}`);
  const store = await PostgresEventStore.connect({
    connectionString: databaseUrl(dbName),
    poolSize: STORE_POOL,
  });
  const onDatabase = async (sql: string) => {
    const client = new Client({ connectionString: databaseUrl(dbName) });
    await client.connect();
    try {
      return (await client.query<Record<string, string>>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  try {
    if (!exists) await seed(store);
    const [{ count }] = await onDatabase('SELECT count(*)::text AS count FROM fristvagt.events');
    if (Number(count) !== expected) {
      throw new Error(`${dbName} holds ${count} events, not ${n(expected)}: run again with --fresh`);
    }
    console.log(
      `log: ${n(expected)} events in ${dbName} (${exists ? 'kept from an earlier run' : 'seeded now'}); ` +
        `${runs} rebuilds, batches of ${n(batch ?? DEFAULT_REBUILD_BATCH)}, no afterCommit`,
    );
    for (let run = 1; run <= runs; run++) {
      await onDatabase('DROP SCHEMA IF EXISTS read_models CASCADE; CHECKPOINT');
      const db = await openPostgresReadModels(databaseUrl(dbName));
      try {
        const errors: string[] = [];
        const runner = new ProjectionRunner(obligationsProjection, db, store, {
          rebuildBatch: batch,
          onError: (error, context) => errors.push(`${context}: ${(error as Error).message}`),
        });
        const readModel = new ObligationsReadModel(db);
        const { seconds: rebuildSeconds, cpu, rebuilt, busy } = await timedRebuild(runner, db, readModel);
        // switched_at is the start of the switch-over's transaction (now()): the counts and query indexes.
        const [{ switchOver }] = await onDatabase(
          `SELECT extract(epoch FROM clock_timestamp() - switched_at)::text AS "switchOver"
             FROM read_models.projections WHERE name = 'obligations'`,
        );
        const us = (cpuSeconds: number) => round((cpuSeconds * 1e6) / rebuilt, 1);
        console.log(
          `rebuild ${run}: ${n(rebuilt)} events in ${rebuildSeconds.toFixed(2)} s = ${n(rebuilt / rebuildSeconds)} events/s; ` +
            `CPU per event: this process ${us(cpu.ownSeconds)} µs, PostgreSQL ${us(cpu.postgresSeconds)} µs ` +
            `(${round(cpu.ownSeconds, 1)} + ${round(cpu.postgresSeconds, 1)} s); switch-over ` +
            `${Number(switchOver).toFixed(2)} s; event loop busy ${Math.round(busy * 100)}%; ` +
            `${n(await openObligationCount(readModel))} open obligations; ` +
            `${load(cpu)}; ${new Date().toISOString()}` +
            (errors.length > 0 ? `; errors: ${errors.slice(0, 3).join(' | ')}` : ''),
        );
      } finally {
        await db.close();
      }
    }
    console.log(
      `kept ${dbName} for the next run (--fresh seeds it again; DROP DATABASE ${dbName} removes it)`,
    );
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  // As the worker process runs: see tuneGarbageCollection.
  tuneGarbageCollection();
  if (only === 'rebuild') return rebuildOnly();
  if (only !== undefined) throw new Error(`--only ${only}: only "rebuild" can run alone`);
  await printSetUp();
  await admin(`CREATE DATABASE ${dbName}`);
  let redis: PrivateRedis | undefined;
  let redisClient: Redis | undefined;
  let store: PostgresEventStore | undefined;
  let db: ReadModelDatabase | undefined;
  let scheduler: WakeUpScheduler | undefined;
  let runner: ProjectionRunner | undefined;
  try {
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    redisClient = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const redisVersion = /^redis_version:(\S+)/m.exec(await redisClient.info('server'))?.[1];
    console.log(
      `redis: redis-server ${redisVersion} of its own on port ${redis.port}, maxmemory-policy noeviction`,
    );

    store = await PostgresEventStore.connect({ connectionString: databaseUrl(dbName), poolSize: STORE_POOL });

    // 1. A million open obligations, through the event store.
    await seed(store);

    // 2. The projection from the start of the log, wired as the worker wires it.
    db = await openPostgresReadModels(databaseUrl(dbName));
    const readModel = new ObligationsReadModel(db);
    const errors: string[] = [];
    scheduler = await openScheduler({
      backend: 'bullmq-redis',
      redisUrl: redis.url,
      horizonMs: HORIZON_MS,
      sweepEveryMs: SWEEP_EVERY_MS,
      concurrency: WAKE_UP_CONCURRENCY,
      clock: systemClock,
      onError: (error, context) => errors.push(`${context.source}: ${(error as Error).message}`),
    });
    let breachesAppended = 0;
    const engine = new DeadlineEngine(store, readModel, scheduler, systemClock, rulesFor, {
      horizonMs: HORIZON_MS,
      onChecked: (_wakeUp, outcome: CheckObligationOutcome) => {
        if (outcome.kind === 'appended' && outcome.events.includes('ObligationBreached')) breachesAppended++;
      },
    });
    runner = new ProjectionRunner(obligationsProjection, db, store, {
      afterCommit: (events) => engine.afterCommit(events),
      afterCommitNeeds: (event) => engine.needs(event),
      onError: (error, context) => errors.push(`projection ${context}: ${(error as Error).message}`),
    });
    const {
      seconds: rebuildSeconds,
      cpu: rebuildCpu,
      rebuilt,
      generation,
    } = await timedRebuild(runner, db, readModel);
    const rebuildRate = rebuilt / rebuildSeconds;
    const openCount = await openObligationCount(readModel);
    const waitingAfterRebuild = await scheduler.scheduledCount();
    console.log(
      `rebuild: ${n(rebuilt)} events in ${rebuildSeconds.toFixed(2)} s = ${n(rebuildRate)} events/s ` +
        `(batches of ${n(DEFAULT_REBUILD_BATCH)}; this process ${round(rebuildCpu.ownSeconds, 1)} s CPU, PostgreSQL ` +
        `${round(rebuildCpu.postgresSeconds, 1)} s; ${load(rebuildCpu)})`,
    );
    console.log(
      `read model: ${n(openCount)} open obligations (generation ${generation}); ` +
        `wake-ups waiting in Redis after the rebuild: ${n(waitingAfterRebuild)}`,
    );

    // 3. The sweep over them, nothing within the horizon.
    const sweeps: Record<string, string | number>[] = [];
    for (const timing of await timeSweeps(engine, readModel, SWEEP_RUNS)) {
      sweeps.push(timingRow(`${n(openCount)}, none in the horizon`, timing));
    }

    // 4. The worker side, then the minute's obligations.
    await runner.start();
    await scheduler.start(engine.handlers());
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the first sweep, run at start
    const memoryBefore = await usedMemory(redisClient);
    const waitingBefore = await scheduler.scheduledCount();

    const writeStart = Date.now();
    const firstDueMs = writeStart + LEAD_MS;
    const lastDueMs = firstDueMs + SPREAD_MS;
    const minuteTemplate = decidedObligation(new Date(writeStart).toISOString());
    const caseIds = Array.from({ length: IN_THE_MINUTE }, () => randomUUID());
    let meter = CpuMeter.start(dbName);
    await inParallel(WRITERS, IN_THE_MINUTE, async (i) => {
      const dueAt = new Date(firstDueMs + Math.floor((i * SPREAD_MS) / IN_THE_MINUTE)).toISOString();
      const due = { dueAt, dueDate: localDateOf(dueAt) };
      await writeCase(store!, caseIds[i], minuteTemplate.occurredAt, [
        obligation(minuteTemplate, 0, due, null),
      ]);
    });
    const written = Date.now();
    let waiting = await scheduler.scheduledCount();
    while (waiting < IN_THE_MINUTE && Date.now() < firstDueMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waiting = await scheduler.scheduledCount();
    }
    const scheduled = Date.now();
    const writeCpu = meter.stop();
    const memoryWaiting = await usedMemory(redisClient);
    const bytesPerJob = (memoryWaiting - memoryBefore) / Math.max(1, waiting - waitingBefore);
    console.log(
      `minute: ${n(IN_THE_MINUTE)} cases written in ${seconds(written - writeStart)} s, all ${n(waiting)} wake-ups ` +
        `in Redis ${seconds(scheduled - writeStart)} s after the first write (projection → afterCommit → addBulk; ` +
        `${load(writeCpu)}); first due ${seconds(firstDueMs - scheduled)} s later`,
    );
    console.log(
      `redis used_memory: ${n(memoryBefore)} bytes before (${n(waitingBefore)} wake-ups waiting), ` +
        `${n(memoryWaiting)} bytes with ${n(waiting)} waiting: ${n(bytesPerJob)} bytes per wake-up, ` +
        `${n(memoryWaiting - memoryBefore)} bytes in all`,
    );

    // 3 again: the sweep with the minute's obligations within the horizon (each run schedules them again,
    // which BullMQ ignores), while there is time before the first of them falls due.
    const openNow = openCount + IN_THE_MINUTE;
    for (const timing of await timeSweeps(engine, readModel, SWEEP_RUNS, firstDueMs - 3_000)) {
      sweeps.push(timingRow(`${n(openNow)}, ${n(IN_THE_MINUTE)} in the horizon`, timing));
    }
    console.table(sweeps);

    // The minute itself: wait until each is breached, or a minute after the last due.
    meter = CpuMeter.start(dbName);
    while (breachesAppended < IN_THE_MINUTE && Date.now() < lastDueMs + 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // late duplicates, if there were any
    const minuteCpu = meter.stop();
    const waitingAfter = await scheduler.scheduledCount();
    const memoryAfter = await usedMemory(redisClient);
    await scheduler.stop();
    await runner.stop();

    const client = new Client({ connectionString: databaseUrl(dbName) });
    await client.connect();
    let rows: { stream: string; due: string; detected: string; recorded: string }[];
    let dueSoon: number;
    try {
      rows = (
        await client.query<{ stream: string; due: string; detected: string; recorded: string }>(
          `SELECT stream_name AS stream, data->>'dueAt' AS due, data->>'detectedAt' AS detected,
                  metadata->>'recordedAt' AS recorded
             FROM fristvagt.events WHERE event_type = 'ObligationBreached'`,
        )
      ).rows;
      dueSoon = Number(
        (
          await client.query<{ n: string }>(
            "SELECT count(*) AS n FROM fristvagt.events WHERE event_type = 'ObligationDueSoon'",
          )
        ).rows[0].n,
      );
    } finally {
      await client.end();
    }
    const perCase = new Map<string, number>();
    for (const row of rows) perCase.set(row.stream, (perCase.get(row.stream) ?? 0) + 1);
    const minuteStreams = new Set(caseIds.map(caseStreamName));
    const exactlyOnce = caseIds.filter((id) => perCase.get(caseStreamName(id)) === 1).length;
    const missing = caseIds.filter((id) => !perCase.has(caseStreamName(id))).length;
    const twice = caseIds.filter((id) => (perCase.get(caseStreamName(id)) ?? 0) > 1).length;
    const elsewhere = rows.filter((row) => !minuteStreams.has(row.stream)).length;
    const detected = rows
      .filter((row) => minuteStreams.has(row.stream))
      .map((row) => Date.parse(row.detected) - Date.parse(row.due))
      .sort((a, b) => a - b);
    const recorded = rows
      .filter((row) => minuteStreams.has(row.stream))
      .map((row) => Date.parse(row.recorded) - Date.parse(row.due))
      .sort((a, b) => a - b);
    const latencyRow = (what: string, ms: number[]) => ({
      'ms after dueAt': what,
      count: ms.length,
      'p50 ms': percentile(ms, 50),
      'p90 ms': percentile(ms, 90),
      'p99 ms': percentile(ms, 99),
      'max ms': ms[ms.length - 1] ?? NaN,
      'over 1 s': ms.filter((v) => v > 1_000).length,
    });
    console.log(
      `breaches: ${n(exactlyOnce)} of ${n(IN_THE_MINUTE)} obligations breached exactly once, ${n(missing)} not ` +
        `breached, ${n(twice)} more than once; ${n(elsewhere)} breaches of other obligations, ` +
        `${n(dueSoon)} warnings (${load(minuteCpu)} during the minute; wake-ups in this process)`,
    );
    console.table([
      latencyRow('detectedAt (the check began)', detected),
      latencyRow('recordedAt (the breach was appended)', recorded),
    ]);
    console.log(
      `redis after the minute: ${n(waitingAfter)} wake-ups waiting, used_memory ${n(memoryAfter)} bytes`,
    );
    if (errors.length > 0) {
      console.log(`${errors.length} errors reported, the first ones:`);
      for (const error of errors.slice(0, 5)) console.log(`  ${error}`);
    }

    const sweepMax = Math.max(...sweeps.map((row) => Number(row['max ms'])));
    const p99 = percentile(detected, 99);
    console.log(
      `target (${n(OPEN_TARGET)} open obligations in the read model): ${n(openCount)}, ${verdict(openCount >= OPEN_TARGET)}`,
    );
    console.log(
      `target (rebuild >= ${n(REBUILD_TARGET_PER_SECOND)} events/s): ${n(rebuildRate)} events/s, ` +
        verdict(rebuildRate >= REBUILD_TARGET_PER_SECOND && openCount >= OPEN_TARGET),
    );
    console.log(
      `target (sweep < ${n(SWEEP_TARGET_MS)} ms, every run): slowest ${round(sweepMax, 1)} ms, ` +
        verdict(sweepMax < SWEEP_TARGET_MS && openCount >= OPEN_TARGET),
    );
    console.log(
      `target (every obligation of the minute breached exactly once, detection p99 < ${n(DETECTION_P99_TARGET_MS)} ms): ` +
        `${n(exactlyOnce)} of ${n(IN_THE_MINUTE)}, p99 ${p99} ms, ` +
        verdict(exactlyOnce === IN_THE_MINUTE && elsewhere === 0 && p99 < DETECTION_P99_TARGET_MS),
    );
    console.log(
      `target (Redis bounded by the horizon): ${n(waiting)} wake-ups waiting for ${n(openNow)} open obligations, ` +
        `${n(bytesPerJob)} bytes each, ${verdict(waiting === IN_THE_MINUTE)}`,
    );
  } finally {
    await scheduler?.stop().catch(() => undefined);
    await runner?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    redisClient?.disconnect();
    await redis?.stop();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

// bench/alerts.ts imports the seeding helpers above; only `node dist/bench/deadlines.js` runs the benchmark.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
