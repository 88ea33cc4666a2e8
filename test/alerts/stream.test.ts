import { randomUUID } from 'node:crypto';
import { comparePositions } from '@fristvagt/event-store';
import { AlertStream } from '../../apps/api/src/alerts/alert-stream';
import { cprFor, startTestApi, type TestApi } from '../support/api';
import { isProblemJson } from '../support/api-requests';
import { connect, type ServerSentEvent } from './sse-client';

jest.setTimeout(120_000);

const NOW = '2026-03-25T12:00:00.000Z';
const EIGHT_DAYS_AGO = new Date(Date.parse(NOW) - 8 * 86_400_000).toISOString();
const OBLIGATION = 'NSR-CONVENE:documentation:pol-1';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GET /v1/alerts/stream on the whole service (FRISTVAGT_ROLE=all), so the deadline engine finds the breaches:
 * a police notification received 8 days before the pinned clock is past NSR-CONVENE's 7-day due at once.
 */
describe('the alert stream (server-sent events)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'i101' | 'sup461' | 'sup101' | 'admin461' | 'auditor461', string>;

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: { FRISTVAGT_ROLE: 'all' } });
    tokens = {
      i461: await api.key('integration', ['461']),
      i101: await api.key('integration', ['101']),
      sup461: await api.key('supervisor', ['461']),
      sup101: await api.key('supervisor', ['101']),
      admin461: await api.key('admin', ['461']),
      auditor461: await api.key('auditor', ['461']),
    };
  });

  afterAll(async () => {
    await api?.close();
  });

  async function post(token: string, path: string, body: object): Promise<Record<string, unknown>> {
    const response = await api.http
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', randomUUID())
      .send(body);
    if (response.status !== 201)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Record<string, unknown>;
  }

  /** A case whose police notification is 8 days old; resolves when the notification is recorded. */
  async function lateNotification(token: string, municipality: string): Promise<string> {
    const opened = await post(token, '/v1/cases', {
      cpr: cprFor('2010-03-01'),
      municipality,
      occurredAt: EIGHT_DAYS_AGO,
    });
    const caseId = String(opened.caseId);
    await post(token, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: EIGHT_DAYS_AGO,
    });
    return caseId;
  }

  /** Waits until the deadline engine has recorded the case's breach. */
  async function breachStored(caseId: string): Promise<void> {
    const until = Date.now() + 10_000;
    while (
      !(await api.store.readStream(`case-${caseId}`)).some((event) => event.type === 'ObligationBreached')
    ) {
      if (Date.now() > until) throw new Error(`case ${caseId} was not breached within 10 s`);
      await pause(20);
    }
  }

  const isBreachOf = (caseId: string) => (event: ServerSentEvent) =>
    event.event === 'breached' && event.data.caseId === caseId;

  it('answers text/event-stream, not stored by caches or buffered by proxies, to every role', async () => {
    for (const token of [tokens.sup461, tokens.i461, tokens.auditor461, tokens.admin461]) {
      // An auditor states the purpose of a read; EventSource cannot set headers, so as the parameter.
      const options = token === tokens.auditor461 ? { query: '?purpose=Intern%20revision%202026' } : {};
      const client = await connect(api.running.url, token, options);
      try {
        expect(client.status).toBe(200);
        expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(client.headers['cache-control']).toBe('no-store');
        expect(client.headers['x-accel-buffering']).toBe('no');
        expect(client.comments[0]).toMatch(/^alerts after /);
      } finally {
        client.close();
      }
    }
  });

  it('sends a breach of a backdated notification within 2 s, to the municipality only', async () => {
    const of461 = await connect(api.running.url, tokens.sup461);
    const of101 = await connect(api.running.url, tokens.sup101);
    try {
      const started = Date.now();
      const caseId = await lateNotification(tokens.i461, '461');
      const breach = await of461.waitFor(isBreachOf(caseId), 2_000 - (Date.now() - started));

      expect(breach.id).toMatch(/^\d+:\d+$/);
      expect(breach.data).toEqual({
        caseId,
        municipality: '461',
        obligationId: OBLIGATION,
        ruleId: 'NSR-CONVENE',
        dueAt: expect.stringMatching(/Z$/),
        detectedAt: expect.stringMatching(/Z$/),
      });
      expect(JSON.stringify(of461.events)).not.toContain(cprFor('2010-03-01'));

      // 101's supervisor hears of 101's breach, and never of 461's.
      const case101 = await lateNotification(tokens.i101, '101');
      await of101.waitFor(isBreachOf(case101), 5_000);
      await pause(300);
      expect(of101.events.map((event) => event.data.municipality)).toEqual(['101']);
      expect(of461.events.some((event) => event.data.caseId === case101)).toBe(false);
    } finally {
      of461.close();
      of101.close();
    }
  });

  it('resumes after Last-Event-ID: a reconnecting client gets what it missed, exactly once, in order', async () => {
    const first = await connect(api.running.url, tokens.sup461);
    const caseA = await lateNotification(tokens.i461, '461');
    const seen = await first.waitFor(isBreachOf(caseA), 5_000);
    first.close();

    // Missed while disconnected: both breached before the client comes back.
    const caseB = await lateNotification(tokens.i461, '461');
    const caseC = await lateNotification(tokens.i461, '461');
    await breachStored(caseB);
    await breachStored(caseC);
    const probe = await connect(api.running.url, tokens.sup461, { lastEventId: seen.id });
    await probe.waitFor(isBreachOf(caseC), 5_000);
    await pause(500);
    probe.close();

    const breaches = probe.events
      .filter((event) => event.event === 'breached')
      .map((event) => event.data.caseId);
    expect(breaches).not.toContain(caseA);
    expect(breaches.filter((caseId) => caseId === caseB)).toHaveLength(1);
    expect(breaches.filter((caseId) => caseId === caseC)).toHaveLength(1);
    expect(breaches.indexOf(caseB)).toBeLessThan(breaches.indexOf(caseC));
    const ids = probe.events.map((event) => event.id!);
    expect(new Set(ids).size).toBe(ids.length);

    // The same from the query parameter, for a first connection that kept the id.
    const fromQuery = await connect(api.running.url, tokens.sup461, { query: `?lastEventId=${seen.id}` });
    try {
      await fromQuery.waitFor(isBreachOf(caseC), 5_000);
      expect(fromQuery.events.some((event) => event.data.caseId === caseA)).toBe(false);
      expect(fromQuery.events.filter(isBreachOf(caseB))).toHaveLength(1);
    } finally {
      fromQuery.close();
    }
  });

  it('starts at the head of the log without Last-Event-ID: nothing from before the connection', async () => {
    const before = await lateNotification(tokens.i461, '461');
    const breach = (await api.store.readStream(`case-${before}`)).find(
      (event) => event.type === 'ObligationBreached',
    )!;
    // The head is as far as the log can be read in order; other test files' open transactions may hold it back.
    const stream = api.running.app.get(AlertStream);
    const until = Date.now() + 10_000;
    for (;;) {
      const head = await stream.head();
      if (head !== 'start' && comparePositions(head, breach.position) >= 0) break;
      if (Date.now() > until) throw new Error('the head of the log did not pass the breach within 10 s');
      await pause(20);
    }

    const late = await connect(api.running.url, tokens.sup461);
    try {
      const after = await lateNotification(tokens.i461, '461');
      await late.waitFor(isBreachOf(after), 5_000);
      expect(late.events.some((event) => event.data.caseId === before)).toBe(false);
    } finally {
      late.close();
    }
  });

  it('sends a late fulfilment as `fulfilled-late`, with the due it missed', async () => {
    const client = await connect(api.running.url, tokens.sup461);
    try {
      const caseId = await lateNotification(tokens.i461, '461');
      const breach = await client.waitFor(isBreachOf(caseId), 5_000);
      await post(tokens.i461, `/v1/cases/${caseId}/network-council/convocations`, {
        councilId: 'nsr-1',
        documentationId: 'pol-1',
        invitees: [{ role: 'youth' }, { role: 'custody-holder' }],
        meetingDate: '2026-03-30',
        occurredAt: NOW,
      });

      const late = await client.waitFor(
        (event) => event.event === 'fulfilled-late' && event.data.caseId === caseId,
        5_000,
      );
      expect(late.data).toEqual({
        caseId,
        municipality: '461',
        obligationId: OBLIGATION,
        ruleId: 'NSR-CONVENE',
        dueAt: breach.data.dueAt,
        detectedAt: NOW,
      });
    } finally {
      client.close();
    }
  });

  it('tells admins of failed deliveries of their municipality, and no one else', async () => {
    const admin = await connect(api.running.url, tokens.admin461);
    const supervisor = await connect(api.running.url, tokens.sup461);
    try {
      const deliveryId = randomUUID();
      await api.store.append(`alert-delivery-${deliveryId}`, [
        {
          id: randomUUID(),
          type: 'AlertDeliveryFailed',
          data: { deliveryId, attempts: 10, status: 503, error: 'HTTP 503', at: NOW },
          metadata: {
            municipality: '461',
            actor: 'alerts',
            occurredAt: NOW,
            correlationId: deliveryId,
            causationId: null,
            schemaVersion: 1,
          },
        },
      ]);
      const failed = await admin.waitFor((event) => event.event === 'delivery-failed', 5_000);
      expect(failed.data).toEqual({
        deliveryId,
        municipality: '461',
        attempts: 10,
        status: 503,
        error: 'HTTP 503',
        detectedAt: NOW,
      });
      await pause(300);
      expect(supervisor.events.some((event) => event.event === 'delivery-failed')).toBe(false);
    } finally {
      admin.close();
      supervisor.close();
    }
  });

  it('stops its subscription to the log when the client goes', async () => {
    const stream = api.running.app.get(AlertStream);
    const settled = async (count: number) => {
      const until = Date.now() + 2_000;
      while (stream.openStreams() !== count && Date.now() < until) await pause(20);
      return stream.openStreams();
    };
    // The clients of the tests before have gone.
    expect(await settled(0)).toBe(0);
    const client = await connect(api.running.url, tokens.sup461);
    expect(stream.openStreams()).toBe(1);

    client.close();
    expect(await settled(0)).toBe(0);
  });

  it('refuses a malformed Last-Event-ID or parameter, and a missing key, as problem+json', async () => {
    for (const [options, code, field] of [
      [{ lastEventId: 'yesterday' }, 'invalid-position', 'Last-Event-ID'],
      [{ query: '?lastEventId=1-2' }, 'invalid-position', 'lastEventId'],
      [{ query: '?since=1:2' }, 'unknown-field', 'since'],
    ] as const) {
      const response = await api.http
        .get(`/v1/alerts/stream${'query' in options ? options.query : ''}`)
        .set('Authorization', `Bearer ${tokens.sup461}`)
        .set('Last-Event-ID', 'lastEventId' in options ? options.lastEventId : '');
      expect({
        status: response.status,
        problem: isProblemJson(response),
        code: response.body.code,
        field: response.body.field,
      }).toEqual({
        status: 400,
        problem: true,
        code,
        field,
      });
    }
    const anonymous = await api.http.get('/v1/alerts/stream');
    expect(anonymous.status).toBe(401);
    expect(isProblemJson(anonymous)).toBe(true);
  });
});

describe('the alert stream at shutdown', () => {
  it('ends open streams, so the server stops at once', async () => {
    const api = await startTestApi({ now: NOW });
    const client = await connect(api.running.url, await api.key('supervisor', ['461']));
    const started = Date.now();
    await api.close();

    await client.ended;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
