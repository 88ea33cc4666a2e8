import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore, type RecordedEvent } from '@fristvagt/event-store';
import { EventStoreApiKeyStore } from '../../apps/api/src/access/event-store-api-key-store';
import { type Receiver, startReceiver } from '../alerts/receivers';
import { cprFor, testCprEnv } from '../support/api';
import { saysCprNumber } from '../support/cpr-scan';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type ServiceProcess, startService } from '../support/service-process';

/**
 * Issue 15, point 3: one correlation id follows a command from the API request that set a deadline, through
 * the events' metadata, to the worker's wake-up that found the deadline breached and to the alert delivery
 * about it, across two processes (FRISTVAGT_ROLE=api and FRISTVAGT_ROLE=worker) on one PostgreSQL database
 * with BullMQ on PostgreSQL. Both processes' clocks are moved (CLOCK_OFFSET_MS) so that a police
 * notification's network-council deadline falls due seconds after it is posted. Every line either process
 * writes is JSON, and none holds a CPR number in any written form.
 */

jest.setTimeout(180_000);

/** A police notification received then sets NSR-CONVENE due at the Copenhagen midnight after day 7. */
const RECEIVED = '2026-03-03T10:00:00.000Z';
const DUE = '2026-03-10T23:00:00.000Z';
/** How far ahead of the processes' clock the due instant lies when they start: their start-up eats most of it. */
const DUE_AFTER_START_MS = 25_000;
const CPR = cprFor('2010-03-01');
const CORRELATION_ID = `police-integration:run-${randomBytes(4).toString('hex')}`;

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Every line of a process's output, parsed; a line that is not JSON fails the test with it (CPR masked). */
function linesOf(service: ServiceProcess): LogLine[] {
  return service
    .logs()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(
          `${service.name} wrote a line that is not JSON: ${line.replace(/\d/g, '#').slice(0, 200)}`,
        );
      }
    });
}

async function until<T>(
  what: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  label: string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await what();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${label} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a correlation id from the API request to the worker and its alert', () => {
  let database: TestDatabase;
  let dataDir: string;
  let store: PostgresEventStore;
  let receiver: Receiver;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let offsetMs: number;

  beforeAll(async () => {
    database = await createTestDatabase('fv_logs');
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-logs-'));
    receiver = await startReceiver();
    offsetMs = Date.parse(DUE) - DUE_AFTER_START_MS - Date.now();
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      CLOCK_OFFSET_MS: String(offsetMs),
      SCHEDULER_SWEEP_INTERVAL: '1s',
      ALERT_ALLOWED_NETWORKS: '127.0.0.1',
      WEBHOOK_SIGNING_KEY: randomBytes(32).toString('base64'),
      ...testCprEnv(),
    };
    [api, worker] = await Promise.all([
      startService('api', { ...env, FRISTVAGT_ROLE: 'api' }),
      startService('worker', { ...env, FRISTVAGT_ROLE: 'worker' }),
    ]);
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await store?.close();
    await receiver?.close();
    await database?.drop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('is in both processes’ lines for the command, its breach and the breach alert, and no line holds a CPR number', async () => {
    const now = () => new Date(Date.now() + offsetMs);
    const keys = new EventStoreApiKeyStore(store);
    const integration = (await keys.create({ role: 'integration', municipalities: ['461'] }, now())).token;
    const supervisor = (await keys.create({ role: 'supervisor', municipalities: ['461'] }, now())).token;
    const post = (token: string, path: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${api.url()}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': randomUUID(),
          ...headers,
        },
        body: JSON.stringify(body),
      });

    const subscribed = await post(supervisor, '/v1/alerts/subscriptions', {
      municipality: '461',
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/fristvagt` },
      kinds: ['breached'],
    });
    expect(subscribed.status).toBe(201);

    // Opened without a correlation id: the request id stands in for it.
    const opened = await post(integration, '/v1/cases', {
      cpr: CPR,
      municipality: '461',
      occurredAt: '2026-02-01T09:00:00Z',
    });
    expect(opened.status).toBe(201);
    const caseId = String(((await opened.json()) as { caseId: string }).caseId);
    const openRequestId = opened.headers.get('x-request-id')!;
    expect(opened.headers.get('x-correlation-id')).toBe(openRequestId);

    // A CPR number sent as a correlation id is never echoed, logged or stored: the request id replaces it.
    const withCprIds = await fetch(`${api.url()}/v1/cases/${caseId}`, {
      headers: { Authorization: `Bearer ${integration}`, 'X-Correlation-Id': CPR, 'X-Request-Id': CPR },
    });
    expect(withCprIds.status).toBe(200);
    const replacedRequestId = withCprIds.headers.get('x-request-id')!;
    expect(replacedRequestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(withCprIds.headers.get('x-correlation-id')).toBe(replacedRequestId);

    const notified = await post(
      integration,
      `/v1/cases/${caseId}/police-notifications`,
      {
        documentationId: 'pol-1',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: RECEIVED,
      },
      { 'X-Correlation-Id': CORRELATION_ID },
    );
    expect(notified.status).toBe(201);
    const requestId = notified.headers.get('x-request-id')!;
    expect(requestId).not.toBe(CORRELATION_ID);
    expect(notified.headers.get('x-correlation-id')).toBe(CORRELATION_ID);
    const dueInMs = Date.parse(DUE) - now().getTime();

    // The breach alert reaches the receiver, and the worker logs that it was delivered.
    const hook = await until(
      () =>
        receiver.received.find((r) => {
          const { data } = JSON.parse(r.body) as { data: { kind: string; caseId: string } };
          return data.kind === 'breached' && data.caseId === caseId;
        }),
      Math.max(0, dueInMs) + 20_000,
      'no breach alert',
    );
    expect(hook.body).not.toContain(CORRELATION_ID); // the alert's contract is unchanged
    const delivered = await until(
      () => linesOf(worker).find((l) => l.msg === 'alert delivered' && l.kind === 'breached'),
      10_000,
      'no "alert delivered" line',
    );

    // The api's lines of the command carry both ids.
    const apiLines = linesOf(api);
    const access = apiLines.filter((l) => l.msg === 'request' && l.correlationId === CORRELATION_ID);
    expect(access).toEqual([
      expect.objectContaining({
        requestId,
        method: 'POST',
        route: '/v1/cases/:caseId/police-notifications',
        status: 201,
      }),
    ]);
    expect(apiLines.find((l) => l.msg === 'request' && l.requestId === openRequestId)).toMatchObject({
      correlationId: openRequestId,
      route: '/v1/cases',
    });
    expect(apiLines.find((l) => l.msg === 'request' && l.requestId === replacedRequestId)).toMatchObject({
      correlationId: replacedRequestId,
    });

    // The worker's lines of the breach (the wake-up that appended ObligationBreached) and of its alert.
    const workerLines = linesOf(worker);
    const checked = workerLines.filter(
      (l) =>
        l.msg === 'deadline checked' &&
        l.caseId === caseId &&
        (l.events as string[]).includes('ObligationBreached'),
    );
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({
      correlationId: CORRELATION_ID,
      obligationId: expect.stringMatching(/^NSR-CONVENE/),
    });
    expect(delivered).toMatchObject({ correlationId: CORRELATION_ID, channel: 'webhook', status: 204 });

    // The ids travel in the events: the request's, the breach the wake-up appended, the delivery's outcome.
    const events = await store.readStream(`case-${caseId}`);
    const byRequest = events.filter(
      (e) => e.metadata.correlationId === CORRELATION_ID && e.metadata.actor !== 'scheduler',
    );
    expect(byRequest.map((e) => e.type)).toEqual(
      expect.arrayContaining(['PoliceDocumentationReceived', 'ObligationOpened']),
    );
    expect(byRequest.every((e) => e.metadata.causationId === requestId)).toBe(true);
    const breach = events.find((e) => e.type === 'ObligationBreached')!;
    const opening = events.find(
      (e) => e.type === 'ObligationOpened' && e.data.obligationId === breach.data.obligationId,
    )!;
    expect(breach.metadata).toMatchObject({ correlationId: CORRELATION_ID, causationId: opening.id });
    expect(checked[0]).toMatchObject({ obligationId: breach.data.obligationId, causationId: opening.id });
    const outcome = await until(
      async () =>
        (await store.readStream(`alert-delivery-${String(delivered.deliveryId)}`)).find(
          (e: RecordedEvent) => e.type === 'AlertDelivered',
        ),
      5_000,
      'no AlertDelivered',
    );
    expect(outcome.metadata).toMatchObject({ correlationId: CORRELATION_ID, causationId: breach.id });
    expect(delivered.causationId).toBe(breach.id);

    // Every line of the run, both processes: JSON (linesOf throws otherwise), and no CPR number in any form.
    expect(linesOf(api).length + linesOf(worker).length).toBeGreaterThan(10);
    const said = [api, worker].flatMap((service) => service.logs().split('\n'));
    expect(said.filter(saysCprNumber).map((line) => line.replace(/\d/g, '#'))).toEqual([]);
  });
});
