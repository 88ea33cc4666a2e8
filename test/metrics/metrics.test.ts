import { createServer, type AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { type Sample, parseExposition, parseSamples, samplesOf, sumOf } from '@fristvagt/metrics';
import { MetricsServer } from '../../apps/api/src/metrics/metrics-server';
import { type Receiver, startReceiver } from '../alerts/receivers';
import { cprFor } from '../support/api';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';

/**
 * Issue 15 point 2: GET /metrics after a small scenario on PostgreSQL with BullMQ on Redis. A supervisor
 * subscribes a webhook to 461; an integration opens a case, records a police notification whose
 * NSR-CONVENE deadline lies 3 s ahead, and sends one command the domain refuses; the wake-ups warn and
 * breach, and the breach is delivered to the webhook. Then every family must show what that scenario made.
 */
const RECEIVED = '2026-03-03T10:00:00.000Z';
/** End of local day 3 March + 7 = 10 March: midnight CET is 23:00 UTC. */
const DUE = '2026-03-10T23:00:00.000Z';
const TOKEN = 'metrics-test-token-0123456789';

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function metricsUrl(app: DeadlineApp): string {
  const url = app.running.app.get(MetricsServer).url();
  if (url === undefined) throw new Error('METRICS_PORT is not listening');
  return url;
}

describe('GET /metrics after commands, a breach and its alert (PostgreSQL, BullMQ on Redis)', () => {
  let app: DeadlineApp;
  let receiver: Receiver;
  let caseId: string;
  let samples: Sample[];
  let text: string;

  const scrape = async (): Promise<string> => {
    const response = await app.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  };
  const value = (name: string, labels: Record<string, string> = {}) => sumOf(samples, name, labels);

  beforeAll(async () => {
    receiver = await startReceiver();
    app = await startDeadlineApp('bullmq-redis', {
      DEADLINE_WARNING_LEAD: '2s',
      SCHEDULER_SWEEP_INTERVAL: '1s',
      ALERT_ALLOWED_NETWORKS: '127.0.0.1',
      METRICS_PORT: '0',
    });
    const integration = await app.key('integration', ['461']);
    const supervisor = await app.key('supervisor', ['461']);
    await app.post(supervisor, '/v1/alerts/subscriptions', {
      municipality: '461',
      channel: { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/fristvagt` },
    });

    app.clock.setNow(new Date(Date.parse(DUE) - 3_000));
    const opened = await app.post(integration, '/v1/cases', {
      cpr: cprFor('2010-03-01'),
      municipality: '461',
      occurredAt: '2026-03-01T09:00:00Z',
    });
    caseId = String(opened.caseId);
    const notification = {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: RECEIVED,
    };
    await app.post(integration, `/v1/cases/${caseId}/police-notifications`, notification);
    // Refused by the domain: a fact dated a day after the service's clock.
    await expect(
      app.post(integration, `/v1/cases/${caseId}/police-notifications`, {
        ...notification,
        documentationId: 'pol-2',
        occurredAt: new Date(Date.parse(DUE) + 86_400_000).toISOString(),
      }),
    ).rejects.toThrow(/422 .*occurred-in-future/);

    await app.waitForEvent(caseId, 'ObligationBreached', 15_000);
    await until(
      async () =>
        receiver.received.some((hook) => hook.body.includes('"breached"') && hook.body.includes(caseId))
          ? true
          : undefined,
      15_000,
      'no breach alert reached the webhook',
    );
    // The read model and the delivery record follow the log: scrape until both show the breach.
    text = await until(
      async () => {
        const scraped = await scrape();
        const found = parseSamples(scraped);
        const breached = sumOf(found, 'fristvagt_obligations_open', { state: 'breached' });
        const delivered = sumOf(found, 'fristvagt_alert_deliveries_total', { outcome: 'delivered' });
        return breached === 1 && delivered >= 2 ? scraped : undefined;
      },
      15_000,
      'the breach did not show in /metrics',
    );
    samples = parseSamples(text);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  }, 60_000);

  it('times each API command once, by command type and outcome', () => {
    const count = 'fristvagt_command_duration_seconds_count';
    expect(value(count, { command: 'OpenCase', outcome: 'ok' })).toBe(1);
    expect(value(count, { command: 'RecordPoliceDocumentation', outcome: 'ok' })).toBe(1);
    expect(value(count, { command: 'RecordPoliceDocumentation', outcome: 'rejected' })).toBe(1);
    expect(value(count)).toBe(3);
    expect(value('fristvagt_command_duration_seconds_bucket', { command: 'OpenCase', le: '+Inf' })).toBe(1);
    expect(value('fristvagt_command_duration_seconds_sum', { command: 'OpenCase' })).toBeGreaterThan(0);
    expect(value('fristvagt_command_duration_seconds_sum', { command: 'OpenCase' })).toBeLessThan(10);
  });

  it('counts the events appended, by type', async () => {
    const events = await app.store.readStream(`case-${caseId}`);
    const byType = (type: string) => events.filter((event) => event.type === type).length;
    for (const type of ['CaseOpened', 'ObligationOpened', 'ObligationDueSoon', 'ObligationBreached']) {
      expect(value('fristvagt_events_appended_total', { type })).toBe(byType(type));
    }
    expect(value('fristvagt_events_appended_total', { type: 'ObligationBreached' })).toBe(1);
    expect(value('fristvagt_events_appended_total', { type: 'AlertDelivered' })).toBeGreaterThanOrEqual(2);
  });

  it('counts the wake-ups that warned and breached, and how late they found it', () => {
    expect(value('fristvagt_wakeups_total', { kind: 'warn', outcome: 'appended' })).toBe(1);
    expect(value('fristvagt_wakeups_total', { kind: 'due', outcome: 'appended' })).toBe(1);
    expect(value('fristvagt_wakeups_total', { outcome: 'error' })).toBe(0);
    expect(value('fristvagt_wakeup_lateness_seconds_count', { kind: 'due' })).toBe(1);
    // The breach was found within a couple of seconds of its instant, not at a later sweep.
    expect(value('fristvagt_wakeup_lateness_seconds_bucket', { kind: 'due', le: '2.5' })).toBe(1);
  });

  it('shows the breached NSR-CONVENE obligation of 461 in the open obligations gauge', () => {
    const obligations = samplesOf(samples, 'fristvagt_obligations_open');
    expect(obligations).toContainEqual({
      name: 'fristvagt_obligations_open',
      labels: { municipality: '461', rule: 'NSR-CONVENE', state: 'breached' },
      value: 1,
    });
    expect(obligations.every((sample) => sample.labels.municipality === '461')).toBe(true);
    expect(value('fristvagt_obligations_open', { state: 'breached' })).toBe(1);
  });

  it('counts the alerts delivered to the webhook', () => {
    expect(value('fristvagt_alert_deliveries_total', { channel: 'webhook', outcome: 'delivered' })).toBe(
      receiver.received.length,
    );
    expect(value('fristvagt_alert_deliveries_total', { outcome: 'failed' })).toBe(0);
    expect(samplesOf(samples, 'fristvagt_alert_deliveries_pending')).toHaveLength(1);
  });

  it('reports the lag of every projection, and no store or queue errors', () => {
    for (const projection of ['obligations', 'alerts']) {
      expect(samplesOf(samples, 'fristvagt_projection_lag_events', { projection })).toHaveLength(1);
      expect(samplesOf(samples, 'fristvagt_projection_lag_seconds', { projection })).toHaveLength(1);
      expect(value('fristvagt_projection_lag_seconds', { projection })).toBeGreaterThanOrEqual(0);
      expect(value('fristvagt_projection_events_applied', { projection })).toBeGreaterThan(0);
    }
    expect(samplesOf(samples, 'fristvagt_event_store_errors_total', { operation: 'append' })).toEqual([
      { name: 'fristvagt_event_store_errors_total', labels: { operation: 'append' }, value: 0 },
    ]);
    expect(value('fristvagt_event_store_errors_total')).toBe(0);
    for (const queue of ['wake-ups', 'alert-deliveries']) {
      expect(samplesOf(samples, 'fristvagt_queue_backend_errors_total', { backend: 'redis', queue })).toEqual(
        [{ name: 'fristvagt_queue_backend_errors_total', labels: { backend: 'redis', queue }, value: 0 }],
      );
    }
    expect(value('fristvagt_event_store_subscriptions_reconnecting')).toBe(0);
    expect(samplesOf(samples, 'fristvagt_build_info', { role: 'all' })).toHaveLength(1);
    expect(samplesOf(samples, 'process_cpu_seconds_total')).toHaveLength(1);
    expect(parseExposition(text).get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
  });

  it('reports how long a transaction that holds the xmin horizon back, and an append, have been open', async () => {
    const client = new Client({ connectionString: app.running.config.databaseUrl });
    const appender = new Client({ connectionString: app.running.config.databaseUrl });
    await client.connect();
    await appender.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      const heldSince = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const held = parseSamples(await scrape());
      const heldAge = sumOf(held, 'fristvagt_event_store_xmin_horizon_age_seconds');
      expect(heldAge).toBeGreaterThanOrEqual(1.4);
      // The gauge is server-wide: another test file may hold an older transaction open meanwhile (the event
      // store's pressure test holds one for 30 s). Only when ours was the oldest can its end show.
      const oursWasOldest = heldAge <= (Date.now() - heldSince) / 1000 + 0.2;
      // A write transaction that is not an append does not hold the log's readers back.
      expect(sumOf(held, 'fristvagt_event_store_oldest_append_age_seconds')).toBe(0);
      await appender.query('BEGIN');
      await appender.query('SELECT fristvagt.enter_append_gate()');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const appending = parseSamples(await scrape());
      expect(sumOf(appending, 'fristvagt_event_store_oldest_append_age_seconds')).toBeGreaterThanOrEqual(1.1);
      await appender.query('ROLLBACK');
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the sources' one-second memo
      expect(sumOf(parseSamples(await scrape()), 'fristvagt_event_store_oldest_append_age_seconds')).toBe(0);
      await client.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const released = parseSamples(await scrape());
      if (oursWasOldest) {
        expect(sumOf(released, 'fristvagt_event_store_xmin_horizon_age_seconds')).toBeLessThan(
          (Date.now() - heldSince) / 1000,
        );
      }
    } finally {
      await appender.end();
      await client.end();
    }
  }, 15_000);

  it('serves the same families on METRICS_PORT', async () => {
    const response = await request(metricsUrl(app)).get('/metrics').expect(200);
    const families = parseExposition(response.text);
    expect([...families.keys()].sort()).toEqual([...parseExposition(text).keys()].sort());
    await request(metricsUrl(app)).get('/health').expect(404);
  });

  it('answers 401 problem+json on the HTTP port to a scrape that a proxy forwarded, without a token', async () => {
    const response = await app.http.get('/metrics').set('X-Forwarded-For', '203.0.113.7').expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).toMatchObject({ status: 401, code: 'metrics-unauthorized' });
  });
});

describe('METRICS_PORT', () => {
  it('refuses to start on a port that is taken, naming METRICS_PORT', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(
        startDeadlineApp('embedded', { FRISTVAGT_ROLE: 'api', METRICS_PORT: String(port) }),
      ).rejects.toMatchObject({
        code: 'listen-failed',
        message: `METRICS_PORT: cannot listen for metrics on 127.0.0.1:${port} (EADDRINUSE)`,
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let app: DeadlineApp;

  beforeAll(async () => {
    app = await startDeadlineApp('embedded', { METRICS_TOKEN: TOKEN, METRICS_PORT: '0' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('answers 401 problem+json without the token or with another, on both ports, from loopback too', async () => {
    for (const base of [app.running.url, metricsUrl(app)]) {
      for (const authorization of [undefined, 'Bearer not-the-metrics-token', `Basic ${TOKEN}`]) {
        const call = request(base).get('/metrics');
        const response = await (authorization === undefined
          ? call
          : call.set('Authorization', authorization));
        expect(response.status).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'metrics-unauthorized' });
        expect(response.text).not.toContain(TOKEN);
      }
    }
  });

  it('serves the metrics to the bearer of the token, on both ports', async () => {
    for (const base of [app.running.url, metricsUrl(app)]) {
      const response = await request(base)
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200);
      const families = parseExposition(response.text);
      expect(families.get('fristvagt_command_duration_seconds')?.type).toBe('histogram');
      expect(families.get('fristvagt_build_info')?.samples).toHaveLength(1);
    }
  });
});
