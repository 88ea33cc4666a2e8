import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { AlertsReadModel, alertsProjection } from '@fristvagt/alerts';
import { PostgresEventStore } from '@fristvagt/event-store';
import { openPostgresReadModels, type ReadModelDatabase } from '@fristvagt/projections';
import { runCli } from '../../apps/cli/src/cli';
import { verifyLikeTheDocs, startReceiver, type Receiver } from '../alerts/receivers';
import { testCprEnv } from '../support/api';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { type ServiceProcess, startService } from '../support/service-process';
import { startPrivateRedis, type PrivateRedis } from '../scheduling/redis';
import { seedObligations } from './seed';

/**
 * Alert delivery when things break, with real processes on a PostgreSQL and a Redis of the test's own: two
 * workers, one api, a webhook subscription of 461, and 500 obligations falling due over one minute. Every
 * alert must reach the receiver at least once and every delivery record end `delivered`; the receiver
 * de-duplicates by alert id (webhook-id), and the test reports how many duplicates it saw.
 */
const OBLIGATIONS = 500;
const SPREAD_MS = 60_000;
const PUBLIC_URL = 'https://fristvagt.kommune.dk';

interface Rig {
  readonly postgres: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly store: PostgresEventStore;
  readonly db: ReadModelDatabase;
  readonly services: ServiceProcess[];
  readonly env: NodeJS.ProcessEnv;
}

async function startRig(extraEnv: NodeJS.ProcessEnv): Promise<Rig> {
  const postgres = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE fristvagt');
  await admin.end();
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/fristvagt');
  const store = await PostgresEventStore.connect({ connectionString: databaseUrl, poolSize: 8 });
  const db = await openPostgresReadModels(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `fvalerts-${randomBytes(3).toString('hex')}`,
    SCHEDULER_SWEEP_INTERVAL: '2s',
    ALERT_ALLOWED_NETWORKS: '127.0.0.1',
    PUBLIC_URL,
    FRISTVAGT_ROLE: 'worker',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    WEBHOOK_SIGNING_KEY: randomBytes(32).toString('base64'),
    ...testCprEnv(),
    ...extraEnv,
  };
  return { postgres, redis, store, db, services: [], env };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  if (rig === undefined) return;
  await Promise.all(rig.services.map((service) => service.kill()));
  await rig.db.close().catch(() => undefined);
  await rig.store.close().catch(() => undefined);
  await rig.redis.stop();
  await rig.postgres.stop();
}

/** A supervisor key of 461 made with the CLI, as an operator would. */
async function supervisorKey(env: NodeJS.ProcessEnv): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['keys', 'create', '--municipality', '461', '--role', 'supervisor'], {
    readStdin: async () => '',
    stdout: (text) => out.push(text),
    stderr: () => undefined,
    env,
  });
  if (code !== 0) throw new Error('keys create failed');
  return String(JSON.parse(out.join('')).token);
}

/** The receiver: verifies each request like the docs, counts alert ids, and answers as `status()` says. */
function countingReceiver(secret: () => string, status: () => number) {
  const seen = new Map<string, number>();
  let refused = 0;
  const receiverPromise = startReceiver((request, response, body) => {
    if (status() !== 204) {
      response.writeHead(status()).end();
      return;
    }
    if (!verifyLikeTheDocs(secret(), request.headers, body)) {
      refused++;
      response.writeHead(401).end();
      return;
    }
    const id = String(request.headers['webhook-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    response.writeHead(204).end();
  });
  return {
    receiverPromise,
    distinct: () => seen.size,
    duplicates: () => [...seen.values()].reduce((sum, n) => sum + n - 1, 0),
    refused: () => refused,
  };
}

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function subscribe(api: ServiceProcess, token: string, receiver: Receiver): Promise<string> {
  const response = await fetch(`${api.url()}/v1/alerts/subscriptions`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Idempotency-Key': randomUUID(),
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      municipality: '461',
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/hooks` },
      kinds: ['breached'],
    }),
  });
  const body = (await response.json()) as { secret?: string };
  if (response.status !== 201 || body.secret === undefined)
    throw new Error(`subscribe: ${response.status} ${JSON.stringify(body)}`);
  return body.secret;
}

/** Waits until the receiver has every alert and every delivery record is delivered; then the counts. */
async function settle(rig: Rig, distinct: () => number, until: number) {
  const alerts = new AlertsReadModel(rig.db, alertsProjection({ publicUrl: PUBLIC_URL }));
  for (;;) {
    const statuses: Record<string, number> = {};
    let page = await alerts.deliveries({ municipalities: null }, null, 1_000).catch(() => undefined);
    while (page !== undefined) {
      for (const item of page.items) statuses[item.status] = (statuses[item.status] ?? 0) + 1;
      page =
        page.next === null ? undefined : await alerts.deliveries({ municipalities: null }, page.next, 1_000);
    }
    if ((distinct() >= OBLIGATIONS && statuses.delivered === OBLIGATIONS) || Date.now() > until)
      return statuses;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describe('alert delivery faults (real processes, private PostgreSQL and Redis)', () => {
  let rig: Rig | undefined;
  let receiver: Receiver | undefined;

  afterEach(async () => {
    await stopRig(rig);
    await receiver?.close();
    rig = undefined;
    receiver = undefined;
  }, 60_000);

  it('500 breach alerts while workers are killed -9 five times and Redis is flushed: each arrives, each record ends delivered', async () => {
    rig = await startRig({});
    let secret = '';
    const counts = countingReceiver(
      () => secret,
      () => 204,
    );
    receiver = await counts.receiverPromise;
    const api = await startService('api', { ...rig.env, FRISTVAGT_ROLE: 'api' });
    rig.services.push(api);
    secret = await subscribe(api, await supervisorKey(rig.env), receiver);
    rig.services.push(await startService('worker-a', rig.env), await startService('worker-b', rig.env));
    const firstDue = Date.now() + 15_000;
    await seedObligations(rig.store, OBLIGATIONS, firstDue, SPREAD_MS);

    for (let k = 0; k < 5; k++) {
      await sleepUntil(firstDue + 4_000 + k * 11_000 + Math.floor(Math.random() * 2_000));
      const worker = rig.services[1 + (k % 2)];
      await worker.kill();
      if (k === 2) {
        const redis = new Redis(rig.redis.url);
        await redis.flushall();
        redis.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await worker.restart();
    }
    const statuses = await settle(rig, counts.distinct, firstDue + SPREAD_MS + 60_000);
    process.stdout.write(
      `kill -9 ×5 + FLUSHALL: ${counts.distinct()} distinct alerts of ${OBLIGATIONS} received, ` +
        `${counts.duplicates()} duplicates de-duplicated by the receiver; delivery records ${JSON.stringify(statuses)}\n`,
    );
    expect(counts.refused()).toBe(0);
    expect(counts.distinct()).toBe(OBLIGATIONS);
    expect(statuses).toEqual({ delivered: OBLIGATIONS });
  }, 300_000);

  it('a receiver that answers 503 for 2 minutes gets every alert afterwards, and none is marked failed', async () => {
    rig = await startRig({ ALERT_RETRY_DELAY: '1s', ALERT_RETRY_MAX_DELAY: '15s', ALERT_MAX_ATTEMPTS: '20' });
    let secret = '';
    let down = true;
    const counts = countingReceiver(
      () => secret,
      () => (down ? 503 : 204),
    );
    receiver = await counts.receiverPromise;
    const api = await startService('api', { ...rig.env, FRISTVAGT_ROLE: 'api' });
    rig.services.push(api);
    secret = await subscribe(api, await supervisorKey(rig.env), receiver);
    rig.services.push(await startService('worker', rig.env));
    const outageStarted = Date.now();
    const firstDue = Date.now() + 10_000;
    const count = 100;
    await seedObligations(rig.store, count, firstDue, 30_000);

    const alerts = new AlertsReadModel(rig.db, alertsProjection({ publicUrl: PUBLIC_URL }));
    await sleepUntil(outageStarted + 120_000);
    const during = await alerts.deliveries({ municipalities: null }, null, 1_000);
    down = false;
    const recovered = Date.now();
    for (;;) {
      if (counts.distinct() >= count || Date.now() - recovered > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const after = await alerts.deliveries({ municipalities: null }, null, 1_000);
    process.stdout.write(
      `receiver down 2 min: ${during.items.filter((d) => d.status === 'failed').length} failed during the outage, ` +
        `${counts.distinct()} of ${count} arrived ${((Date.now() - recovered) / 1000).toFixed(1)} s after recovery\n`,
    );
    expect(during.items).toHaveLength(count);
    expect(during.items.filter((d) => d.status === 'failed')).toEqual([]);
    expect(during.items.every((d) => d.attempts > 1)).toBe(true);
    expect(counts.distinct()).toBe(count);
    expect(after.items.filter((d) => d.status === 'failed')).toEqual([]);
  }, 300_000);
});
