import { connect } from 'node:net';
import { cprFor, type LogLine, useTestApi } from '../support/api';
import { postCommand } from '../support/api-requests';

/**
 * One access-log line per request, written after the answer (issue 12, point 8): method, route template,
 * status, duration, request id and the API key's id; never the URL, a query string, a body or a credential.
 * A client that hangs up mid-body is logged as its own doing, not as an error of the service.
 */

jest.setTimeout(60_000);

/** Shaped like a CPR number, so a test can tell if a path is logged. */
const CPR_IN_PATH = '010310-4123';

describe('the access log', () => {
  const app = useTestApi({ now: '2026-03-25T12:00:00Z' });

  /** The access-log line of the request answered with this X-Request-Id; waits for it, as it follows the answer. */
  async function accessLineOf(requestId: string): Promise<LogLine> {
    // Up to 5 s: on a loaded CI machine the line can follow the answer by more than a second.
    for (let i = 0; i < 250; i++) {
      const line = app.api.logLines().find((l) => l.msg === 'request' && l.requestId === requestId);
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no access-log line for request ${requestId}`);
  }

  it('logs a command with its route template, status, duration, request id and key id', async () => {
    const opened = await postCommand(
      app.api,
      app.token,
      '/v1/cases',
      { cpr: cprFor('2010-03-01'), municipality: '461', occurredAt: '2026-03-20T09:00:00Z' },
      'access-log-open',
    );
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;

    const response = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/police-notifications?note=x`,
      {
        documentationId: 'pol-log',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: '2026-03-24T10:00:00Z',
      },
      'access-log-notify',
      { 'X-Request-Id': 'integration-run.42' },
    );
    expect(response.status).toBe(201);
    expect(response.headers['x-request-id']).toBe('integration-run.42');

    const line = await accessLineOf('integration-run.42');
    const keyId = app.token.split('_')[1];
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'POST',
      route: '/v1/cases/:caseId/police-notifications',
      status: 201,
      keyId,
    });
    expect(typeof line.durationMs).toBe('number');
    const text = JSON.stringify(line);
    expect(text).not.toContain(caseId);
    expect(text).not.toContain('note=x');
    expect(text).not.toContain('pol-log');
    expect(app.api.logs()).not.toContain(app.token);

    const openLine = await accessLineOf(String(opened.headers['x-request-id']));
    expect(openLine).toMatchObject({ method: 'POST', route: '/v1/cases', status: 201, keyId });
  });

  it('puts the request and correlation ids on every line the request logs, also after reading its body', async () => {
    const supervisor = await app.api.key('supervisor', ['461']);
    // The body comes in two packets, so that it is read in the socket's async context, not the request's.
    const url = new URL(app.api.running.url);
    const body = JSON.stringify({ apiKey: supervisor });
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST /v1/session HTTP/1.1\r\n' +
            `Host: ${url.host}\r\n` +
            'X-Request-Id: sign-in-1\r\n' +
            'X-Correlation-Id: portal:login-7\r\n' +
            'Content-Type: application/json\r\n' +
            'Connection: close\r\n' +
            `Content-Length: ${body.length}\r\n\r\n` +
            body.slice(0, 10),
        );
        setTimeout(() => socket.write(body.slice(10)), 50);
      });
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 201/);
    expect(answer).toMatch(/\r\nx-correlation-id: portal:login-7\r\n/i);
    expect(await accessLineOf('sign-in-1')).toMatchObject({ correlationId: 'portal:login-7', status: 201 });
    // Written by the handler, after the body was read: the audit line of the sign-in.
    const audit = app.api.logLines().find((l) => l.audit === 'session-started');
    expect(audit).toMatchObject({ requestId: 'sign-in-1', correlationId: 'portal:login-7' });

    // Without X-Correlation-Id the request id is the correlation id.
    const read = await app.api.http.get('/v1/session').set('X-Request-Id', 'session-read-1');
    expect(read.headers['x-correlation-id']).toBe('session-read-1');
    expect(await accessLineOf('session-read-1')).toMatchObject({ correlationId: 'session-read-1' });
    // A line written outside any request carries neither.
    const started = app.api.logLines().find((l) => /listening on/.test(l.msg));
    expect(started).toBeDefined();
    expect(started?.requestId).toBeUndefined();
  });

  it('logs an unknown route as "(no route)", without the CPR number in its path or query', async () => {
    const response = await app.api.http
      .get(`/v1/persons/${CPR_IN_PATH}?cpr=${CPR_IN_PATH}`)
      .set('X-Request-Id', 'unknown-route-1');
    expect(response.status).toBe(404);

    const line = await accessLineOf('unknown-route-1');
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '(no route)', status: 404 });
    expect(line.keyId).toBeUndefined();
    const logs = app.api.logs();
    expect(logs).not.toContain('/v1/persons');
    expect(logs).not.toContain('0103104123');
    expect(logs).not.toContain(CPR_IN_PATH);
  });

  it('logs a 401 without a key id, and replaces a request id that is not a harmless token', async () => {
    const response = await app.api.http
      .get('/v1/cases/7d3c9a34-8f1e-4f1e-9a41-0c9b8e5f2a11')
      .set('Authorization', 'Bearer fv_notakey_secret')
      .set('X-Request-Id', 'has spaces and a / slash');
    expect(response.status).toBe(401);
    const requestId = String(response.headers['x-request-id']);
    expect(requestId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(requestId).not.toBe('has spaces and a / slash');

    const line = await accessLineOf(requestId);
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '/v1/cases/:caseId', status: 401 });
    expect(line.keyId).toBeUndefined();
    expect(app.api.logs()).not.toContain('notakey_secret');
  });

  it('logs a client that hangs up mid-body as client-aborted, without an error or a stack', async () => {
    const url = new URL(app.api.running.url);
    const body = JSON.stringify({ cpr: cprFor('2010-03-01'), municipality: '461' });
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST /v1/cases HTTP/1.1\r\n' +
            `Host: ${url.host}\r\n` +
            `Authorization: Bearer ${app.token}\r\n` +
            'Idempotency-Key: hang-up\r\n' +
            'X-Request-Id: hang-up-1\r\n' +
            'Content-Type: application/json\r\n' +
            `Content-Length: ${body.length + 100}\r\n\r\n` +
            body.slice(0, 20),
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 100);
      });
      socket.on('error', reject);
    });

    let aborted: LogLine | undefined;
    for (let i = 0; i < 50 && aborted === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      aborted = app.api.logLines().find((l) => l.requestId === 'hang-up-1' && l.code === 'client-aborted');
    }
    expect(aborted).toMatchObject({ method: 'POST', route: '/v1/cases' });
    expect(['info', 'warn']).toContain(aborted?.level);
    expect(aborted?.err).toBeUndefined();
    const serious = app.api.logLines().filter((l) => l.level === 'error' || l.level === 'fatal');
    expect(serious).toEqual([]);
    expect(app.api.logs()).not.toContain('internal-error');
  });
});
