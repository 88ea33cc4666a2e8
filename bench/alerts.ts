/**
 * `npm run bench:alerts`: breaches delivered as webhooks, end to end, on PostgreSQL and BullMQ on a
 * redis-server of the benchmark's own (`--maxmemory-policy noeviction`). Prints figures and a verdict line for
 * issue 10's target; it asserts nothing.
 *
 * 1. Appends one AlertSubscriptionCreated (municipality 461, a webhook to a receiver in this process, breaches
 *    only, no digest, secret version 1) through the event store, with a master signing key made for the run.
 * 2. Builds both projections (obligations, alerts) and starts the worker side in this process, wired as
 *    apps/worker wires it (DeadlineWorker, AlertsWorker): obligations → DeadlineEngine.afterCommit → wake-ups
 *    on BullMQ; alerts → AlertDispatcher.afterCommit → the alert-deliveries queue (concurrency 50, the
 *    service's retry policy) → WebhookSender (ALERT_ALLOW_HTTP, ALERT_ALLOWED_NETWORKS=127.0.0.1); the sweep
 *    runs the dispatcher's sweep, then the engine's.
 * 3. Writes 10,000 obligations, one per new case, due evenly over one minute that starts 25 s later (the
 *    seeding of bench/deadlines.ts, whose helpers it uses).
 * 4. The receiver verifies each signature as docs/alerts.md shows, and records the arrival of each alert id
 *    (webhook-id). Latency is arrival − the alert's dueAt. Then it reads every delivery's status.
 *
 * The worker runs in this process rather than as a child process: it is the same wiring (the Nest modules add
 * configuration and logging, not work), its read models and counters can be read directly, and the receiver
 * on the same event loop makes the figures, if anything, pessimistic.
 *
 * DATABASE_URL picks the server (default postgres://postgres@127.0.0.1:5432/postgres); a scratch database is
 * created and dropped. --quick: 1,000 breaches, starting 15 s after they are written.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import {
  AlertDispatcher,
  type AlertSubscriptionCreated,
  type DeliveryJob,
  AlertsReadModel,
  alertsProjection,
  subscriptionStream,
  WebhookSender,
  webhookSecret,
} from '@fristvagt/alerts';
import { caseRules } from '@fristvagt/case-commands';
import { systemClock } from '@fristvagt/config';
import { localDateOf } from '@fristvagt/domain';
import { PostgresEventStore } from '@fristvagt/event-store';
import {
  obligationsProjection,
  ObligationsReadModel,
  openPostgresReadModels,
  ProjectionRunner,
  type ReadModelDatabase,
  ReadModelNotReady,
} from '@fristvagt/projections';
import {
  DeadlineEngine,
  type JobQueue,
  openJobQueue,
  openScheduler,
  PermanentJobFailure,
  type WakeUpScheduler,
} from '@fristvagt/scheduling';
import { decidedObligation, inParallel, obligation, writeCase } from './deadlines';
import { type PrivateRedis, startPrivateRedis } from './private-redis';
import { CpuMeter, otherLoadPercent, percentile } from './stats';
import { admin, databaseUrl } from './postgres';

const quick = process.argv.includes('--quick');
const dbName = `fv_bench_alerts_${process.pid}`;

const BREACHES = quick ? 1_000 : 10_000;
const SPREAD_MS = 60_000;
/** From the start of the writes to the first due instant. */
const LEAD_MS = quick ? 15_000 : 25_000;
/** The service's defaults (SCHEDULER_*, ALERT_MAX_ATTEMPTS, ALERT_RETRY_DELAY, ALERT_RETRY_MAX_DELAY, DIGEST_AT). */
const HORIZON_MS = 48 * 3_600_000;
const SWEEP_EVERY_MS = 30_000;
const CONCURRENCY = 50;
const MAX_ATTEMPTS = 10;
const RETRY = { attempts: MAX_ATTEMPTS, firstDelayMs: 5_000, maxDelayMs: 600_000, jitter: 0.5 };
const PUBLIC_URL = 'http://127.0.0.1:3000';
const STORE_POOL = 20;
const WRITERS = 16;
const MUNICIPALITY = '461';

/** Issue 10's target. */
const P99_TARGET_MS = 2_000;

/**
 * How a receiver verifies a Fristvagt webhook without any library: the snippet in docs/alerts.md (as
 * test/alerts/receivers.ts writes it out), so the sender is checked by code that shares none with it.
 */
function verifyLikeTheDocs(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false; // replay window: 5 minutes
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const candidate = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
}

interface Arrival {
  /** Epoch ms. */
  readonly at: number;
  readonly dueAt: number;
  readonly detectedAt: number;
}

/** The webhook receiver: one arrival per alert id, duplicates and refusals counted. */
async function startReceiver(secret: () => string) {
  const arrivals = new Map<string, Arrival>();
  const counts = { duplicates: 0, refused: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url !== '/hooks' || !verifyLikeTheDocs(secret(), request.headers, body)) {
        counts.refused++;
        response.writeHead(401).end();
        return;
      }
      const id = String(request.headers['webhook-id']);
      if (arrivals.has(id)) counts.duplicates++;
      else {
        const { data } = JSON.parse(body) as { data: { dueAt: string; detectedAt: string } };
        arrivals.set(id, { at, dueAt: Date.parse(data.dueAt), detectedAt: Date.parse(data.detectedAt) });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arrivals,
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every delivery's status, paged through AlertsReadModel.deliveries. */
async function deliveryStatuses(alerts: AlertsReadModel): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  let after: { createdAt: string; deliveryId: string } | null = null;
  do {
    const page = await alerts.deliveries({ municipalities: null }, after, 1_000);
    for (const d of page.items) statuses.set(d.status, (statuses.get(d.status) ?? 0) + 1);
    after = page.next;
  } while (after !== null);
  return statuses;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [settings] = await admin(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, version() AS v",
  );
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `server: ${String(settings.v).split(' on ')[0]}, fsync=${String(settings.fsync)}, ` +
      `synchronous_commit=${String(settings.sync)}`,
  );
  console.log(
    `size: ${n(BREACHES)} breaches due in one minute, one webhook subscription` +
      (quick ? ' (--quick)' : '') +
      `; started ${new Date().toISOString()}`,
  );

  const masterKey = randomBytes(32);
  const subscriptionId = randomUUID();
  const secret = webhookSecret(masterKey, subscriptionId, 1);
  const receiver = await startReceiver(() => secret);

  await admin(`CREATE DATABASE ${dbName}`);
  let redis: PrivateRedis | undefined;
  let store: PostgresEventStore | undefined;
  let db: ReadModelDatabase | undefined;
  let scheduler: WakeUpScheduler | undefined;
  let queue: JobQueue<DeliveryJob> | undefined;
  const runners: ProjectionRunner[] = [];
  try {
    redis = await startPrivateRedis(['--maxmemory-policy', 'noeviction']);
    const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const redisVersion = /^redis_version:(\S+)/m.exec(await probe.info('server'))?.[1];
    probe.disconnect();
    console.log(
      `redis: redis-server ${redisVersion} of its own on port ${redis.port}, maxmemory-policy noeviction; ` +
        `receiver on 127.0.0.1:${receiver.port}`,
    );

    store = await PostgresEventStore.connect({ connectionString: databaseUrl(dbName), poolSize: STORE_POOL });

    // 1. The subscription, as the API records it (apps/api/src/alerts/subscription.ts).
    const created: AlertSubscriptionCreated['data'] = {
      subscriptionId,
      municipality: MUNICIPALITY,
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/hooks` },
      ruleIds: null,
      kinds: ['breached'],
      digest: false,
      secretVersion: 1,
    };
    await store.append(
      subscriptionStream(subscriptionId),
      [
        {
          id: randomUUID(),
          type: 'AlertSubscriptionCreated',
          data: { ...created },
          metadata: {
            municipality: MUNICIPALITY,
            actor: 'bench',
            occurredAt: new Date().toISOString(),
            correlationId: randomUUID(),
            causationId: null,
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );

    // 2. The worker side, wired as apps/worker wires it.
    const errors: string[] = [];
    const report = (source: string) => (error: unknown) =>
      errors.push(`${source}: ${(error as Error).message}`);
    db = await openPostgresReadModels(databaseUrl(dbName));
    const obligations = new ObligationsReadModel(db);
    const projection = alertsProjection({ publicUrl: PUBLIC_URL });
    const alerts = new AlertsReadModel(db, projection);
    scheduler = await openScheduler({
      backend: 'bullmq-redis',
      redisUrl: redis.url,
      horizonMs: HORIZON_MS,
      sweepEveryMs: SWEEP_EVERY_MS,
      concurrency: CONCURRENCY,
      clock: systemClock,
      onError: (error, context) => report(`scheduler ${context.source}`)(error),
    });
    queue = await openJobQueue<DeliveryJob>({
      backend: 'bullmq-redis',
      redisUrl: redis.url,
      name: 'alert-deliveries',
      concurrency: CONCURRENCY,
      retry: RETRY,
      onError: (error, context) => report(`alert queue ${context.source}`)(error),
    });
    const engine = new DeadlineEngine(store, obligations, scheduler, systemClock, caseRules({}), {
      horizonMs: HORIZON_MS,
    });
    const sender = new WebhookSender({ allowHttp: true, allowedNetworks: ['127.0.0.1'] });
    const outcomes = { delivered: 0, retried: 0, failed: 0 };
    const dispatcher = new AlertDispatcher(
      store,
      alerts,
      obligations,
      queue,
      new Map([['webhook', sender]]),
      systemClock,
      {
        maxAttempts: MAX_ATTEMPTS,
        publicUrl: PUBLIC_URL,
        digestAt: '07:00',
        webhookSecret: (id, version) => webhookSecret(masterKey, id, version),
        permanentFailure: (message) => new PermanentJobFailure(message),
        onOutcome: (_toSend, result, final) => {
          if (result.ok) outcomes.delivered++;
          else if (final) outcomes.failed++;
          else outcomes.retried++;
        },
      },
    );
    const obligationsRunner = new ProjectionRunner(obligationsProjection, db, store, {
      afterCommit: (events) => engine.afterCommit(events),
      afterCommitNeeds: (event) => engine.needs(event),
      onError: report('projection obligations'),
    });
    const alertsRunner = new ProjectionRunner(projection, db, store, {
      afterCommit: (events) => dispatcher.afterCommit(events),
      onError: report('projection alerts'),
    });
    runners.push(alertsRunner, obligationsRunner);
    // The first generations, so that the live loops below serve (and call afterCommit) from the start.
    await obligationsRunner.runUntilCaughtUp();
    await alertsRunner.runUntilCaughtUp();
    const notReady = (error: unknown) => {
      if (!(error instanceof ReadModelNotReady)) throw error;
    };
    const sweep = async () => {
      await dispatcher.sweep().catch(notReady);
      await engine.sweep().catch(notReady);
    };
    await alertsRunner.start();
    await queue.start({
      process: (job) => dispatcher.deliver(job.data.deliveryId, job.attempt),
      onFailed: (job, error) => dispatcher.failed(job.data.deliveryId, job.attempt, error),
    });
    await obligationsRunner.start();
    await scheduler.start({
      onWakeUp: (wakeUp) => engine.check(wakeUp).then(() => undefined),
      onSweep: sweep,
    });
    await sweep();

    // 3. The minute's obligations.
    const writeStart = Date.now();
    const firstDueMs = writeStart + LEAD_MS;
    const lastDueMs = firstDueMs + SPREAD_MS;
    const template = decidedObligation(new Date(writeStart).toISOString());
    let meter = CpuMeter.start(dbName);
    await inParallel(WRITERS, BREACHES, async (i) => {
      const dueAt = new Date(firstDueMs + Math.floor((i * SPREAD_MS) / BREACHES)).toISOString();
      await writeCase(store!, randomUUID(), template.occurredAt, [
        obligation(template, 0, { dueAt, dueDate: localDateOf(dueAt) }, null),
      ]);
    });
    const written = Date.now();
    let waiting = await scheduler.scheduledCount();
    while (waiting < BREACHES && Date.now() < firstDueMs) {
      await sleep(50);
      waiting = await scheduler.scheduledCount();
    }
    const scheduled = Date.now();
    console.log(
      `seeded: ${n(BREACHES)} cases written in ${seconds(written - writeStart)} s, ${n(waiting)} wake-ups in ` +
        `Redis ${seconds(scheduled - writeStart)} s after the first write (other load ` +
        `${otherLoadPercent(meter.stop())}%); first due ${seconds(firstDueMs - scheduled)} s later`,
    );

    // 4. The minute: wait until every alert has arrived, or a minute after the last due.
    meter = CpuMeter.start(dbName);
    while (receiver.arrivals.size < BREACHES && Date.now() < lastDueMs + 60_000) await sleep(250);
    await sleep(2_000); // late duplicates, if there were any
    const cpu = meter.stop();
    await scheduler.stop();
    await queue.stop();
    for (const runner of runners) await runner.stop();
    const statuses = await deliveryStatuses(alerts);
    const backlog = await alerts.backlog();

    const arrivals = [...receiver.arrivals.values()];
    const sorted = (values: number[]) => values.sort((a, b) => a - b);
    const latency = sorted(arrivals.map((a) => a.at - a.dueAt));
    const row = (what: string, ms: number[]) => ({
      'ms after dueAt': what,
      count: ms.length,
      'p50 ms': percentile(ms, 50),
      'p90 ms': percentile(ms, 90),
      'p99 ms': percentile(ms, 99),
      'max ms': ms[ms.length - 1] ?? NaN,
      'over 2 s': ms.filter((v) => v > P99_TARGET_MS).length,
    });
    console.log(
      `received: ${n(receiver.arrivals.size)} distinct alerts of ${n(BREACHES)}, ${n(receiver.counts.duplicates)} ` +
        `duplicates, ${n(receiver.counts.refused)} refused (bad signature or path); sender outcomes: ` +
        `${n(outcomes.delivered)} delivered, ${n(outcomes.retried)} attempts retried, ${n(outcomes.failed)} failed ` +
        `(CPU during the minute: this process ${cpu.ownSeconds.toFixed(1)} s, PostgreSQL ` +
        `${cpu.postgresSeconds.toFixed(1)} s, other load ${otherLoadPercent(cpu)}%)`,
    );
    console.table([
      row('detectedAt (the breach check began)', sorted(arrivals.map((a) => a.detectedAt - a.dueAt))),
      row('arrival at the receiver', latency),
    ]);
    console.log(
      `delivery records: ${[...statuses].map(([status, count]) => `${n(count)} ${status}`).join(', ') || 'none'}; ` +
        `pending ${n(backlog.pending)}, failed ${n(backlog.failed)}`,
    );
    if (errors.length > 0) {
      console.log(`${errors.length} errors reported, the first ones:`);
      for (const error of errors.slice(0, 5)) console.log(`  ${error}`);
    }

    const p99 = percentile(latency, 99);
    const allDelivered = statuses.get('delivered') === BREACHES && statuses.size === 1;
    const met = receiver.arrivals.size === BREACHES && allDelivered && p99 < P99_TARGET_MS;
    console.log(
      `target (${n(BREACHES)} breaches due within one minute reach the webhook receiver, p99 < ` +
        `${n(P99_TARGET_MS)} ms from dueAt): ${n(receiver.arrivals.size)} of ${n(BREACHES)} received, ` +
        `p99 ${p99} ms, ${met ? 'met' : 'not met'}` +
        (quick ? ' (quick run: 1,000, not 10,000)' : ''),
    );
  } finally {
    await scheduler?.stop().catch(() => undefined);
    await queue?.stop().catch(() => undefined);
    for (const runner of runners) await runner.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await receiver.close();
    await redis?.stop();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
