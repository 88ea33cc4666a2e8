import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { PostgresEventStore } from '@fristvagt/event-store';
import { testCprEnv } from '../support/api';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { type ServiceProcess, startService } from '../support/service-process';
import { startPrivateRedis, type PrivateRedis } from '../scheduling/redis';
import { breachesOf, type BreachFinding, percentile, seedObligations, type SeededObligation } from './seed';

/**
 * The deadline engine when things break, with real processes: two workers (FRISTVAGT_ROLE=worker) on a
 * PostgreSQL server and a Redis of the test's own, 500 obligations falling due over one minute. What must
 * hold: every obligation ends with exactly one ObligationBreached in the event store, and (for crashes of
 * a worker) none is detected more than 2 s late except those whose due instant fell while a worker was dead
 * or while the jobs it held were still locked (BullMQ lock 5 s + stalled check 2 s).
 */
const OBLIGATIONS = 500;
const SPREAD_MS = 60_000;
const LATE_LIMIT_MS = 2_000;
/** After a worker dies, the jobs it held are locked for lockDuration (5 s) and found by the next stalled check (2 s). */
const LOCK_RECOVERY_MS = 7_000;

interface Rig {
  readonly postgres: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly databaseUrl: string;
  readonly store: PostgresEventStore;
  readonly workers: ServiceProcess[];
  readonly env: NodeJS.ProcessEnv;
}

async function startRig(): Promise<Rig> {
  const postgres = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE fristvagt');
  await admin.end();
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/fristvagt');
  const store = await PostgresEventStore.connect({ connectionString: databaseUrl, poolSize: 8 });
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `fvfault-${randomBytes(3).toString('hex')}`,
    SCHEDULER_SWEEP_INTERVAL: '2s',
    FRISTVAGT_ROLE: 'worker',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    ...testCprEnv(),
  };
  return { postgres, redis, databaseUrl, store, workers: [], env };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  if (rig === undefined) return;
  await Promise.all(rig.workers.map((worker) => worker.kill()));
  await rig.store.close().catch(() => undefined);
  await rig.redis.stop();
  await rig.postgres.stop();
}

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** Polls the log until every seeded obligation is breached (or the deadline passes); the findings then. */
async function settle(
  rig: Rig,
  seeded: readonly SeededObligation[],
  until: number,
): Promise<BreachFinding[]> {
  for (;;) {
    const findings = await breachesOf(rig.store, seeded).catch(() => undefined);
    if (findings !== undefined && (findings.every((f) => f.breaches > 0) || Date.now() > until))
      return findings;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function report(
  title: string,
  findings: readonly BreachFinding[],
  excused: (dueMs: number) => boolean,
): void {
  const late = findings.map((f) => f.lateMs ?? Infinity);
  const outside = findings.filter((f) => !excused(Date.parse(f.dueAt))).map((f) => f.lateMs ?? Infinity);
  process.stdout.write(
    `${title}: ${findings.length} obligations, breached ${findings.filter((f) => f.breaches > 0).length}, ` +
      `with more than one breach ${findings.filter((f) => f.breaches > 1).length}; detection lateness ms ` +
      `p50 ${percentile(late, 50)}, p99 ${percentile(late, 99)}, max ${Math.max(...late)}; ` +
      `more than ${LATE_LIMIT_MS} ms late: ${late.filter((ms) => ms > LATE_LIMIT_MS).length}; ` +
      `outside the excused windows (${outside.length}) max ${Math.max(...outside)}\n`,
  );
}

describe('deadline engine faults (real processes, private PostgreSQL and Redis)', () => {
  let rig: Rig | undefined;

  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  }, 60_000);

  it('kill -9 of either of two workers 6 times: every obligation breached exactly once, on time but for the dead windows', async () => {
    rig = await startRig();
    const firstDue = Date.now() + 25_000;
    const seeded = await seedObligations(rig.store, OBLIGATIONS, firstDue, SPREAD_MS);
    rig.workers.push(await startService('worker-a', rig.env), await startService('worker-b', rig.env));

    // Kill alternately, 10 s apart, each dead for 1.5 s plus its start-up; record when each was down.
    const down: Array<{ from: number; to: number }> = [];
    for (let k = 0; k < 6; k++) {
      await sleepUntil(firstDue + 3_000 + k * 10_000 + Math.floor(Math.random() * 2_000));
      const worker = rig.workers[k % 2];
      const from = Date.now();
      await worker.kill();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await worker.restart();
      down.push({ from, to: Date.now() });
    }
    const findings = await settle(rig, seeded, firstDue + SPREAD_MS + 30_000);

    const excused = (dueMs: number) =>
      down.some(
        ({ from, to }) => dueMs >= from - 1_000 && dueMs <= Math.max(to, from + LOCK_RECOVERY_MS) + 500,
      );
    report('kill -9', findings, excused);
    expect(down).toHaveLength(6);
    expect(findings.filter((f) => f.breaches !== 1)).toEqual([]);
    const lateOutside = findings.filter(
      (f) => !excused(Date.parse(f.dueAt)) && (f.lateMs ?? Infinity) > LATE_LIMIT_MS,
    );
    expect(lateOutside).toEqual([]);
    expect(findings.every((f) => (f.lateMs ?? -1) >= 0)).toBe(true);
  }, 240_000);

  it('FLUSHALL, a Redis restart and a PostgreSQL crash-restart mid-run: none lost, none doubled, all recover on their own', async () => {
    rig = await startRig();
    const firstDue = Date.now() + 25_000;
    const seeded = await seedObligations(rig.store, OBLIGATIONS, firstDue, SPREAD_MS);
    rig.workers.push(await startService('worker-a', rig.env), await startService('worker-b', rig.env));
    const api = await startService('api', { ...rig.env, FRISTVAGT_ROLE: 'api' });
    rig.workers.push(api);

    await sleepUntil(firstDue + 10_000);
    const redis = new Redis(rig.redis.url);
    await redis.flushall();
    redis.disconnect();
    await sleepUntil(firstDue + 25_000);
    await rig.redis.restart();
    await sleepUntil(firstDue + 40_000);
    await rig.postgres.restart({ downMs: 2_000 });

    const findings = await settle(rig, seeded, firstDue + SPREAD_MS + 45_000);
    report('FLUSHALL + Redis restart + PostgreSQL restart', findings, () => false);
    expect(findings.filter((f) => f.breaches !== 1)).toEqual([]);

    // Every process is still alive and healthy without being restarted by anyone.
    for (const service of rig.workers) {
      // A process that died says why: its last lines.
      if (!service.isRunning()) process.stdout.write(`${service.logs().split('\n').slice(-15).join('\n')}\n`);
      expect(service.isRunning()).toBe(true);
    }
    const healthy = async (service: ServiceProcess) => {
      for (let i = 0; i < 60; i++) {
        const response = await fetch(`${service.url()}/health`).catch(() => undefined);
        if (response?.status === 200) return true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return false;
    };
    for (const service of rig.workers) expect(await healthy(service)).toBe(true);
  }, 300_000);
});
