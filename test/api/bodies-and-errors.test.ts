import { connect } from 'node:net';
import { openNotifiedCase, startTestApi, type TestApi } from '../support/api';
import { isProblemJson, refusalOf } from '../support/api-requests';
import { withoutRandomIds } from '../support/cpr-scan';

jest.setTimeout(60_000);

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
/** A CPR-shaped id; its serial is chosen so that no port, id or timestamp of the run contains it. */
const CPR_ID = '010310-4827';
const LEAK = /4827|0103\D?10/;

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Writes `bytes` as they are on a fresh connection and reads until the server closes it. */
function sendRaw(url: string, bytes: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('the server did not answer within 10 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close before it has read all we wrote; what it answered is still in `chunks`.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(bytes);
  });
}

describe('bodies and errors at the edge of the API (PostgreSQL)', () => {
  let api: TestApi;
  let token: string;
  let caseId: string;
  let keys = 0;

  beforeAll(async () => {
    api = await startTestApi();
    token = await api.key('integration', ['461']);
    caseId = await openNotifiedCase(api, token);
  });

  afterAll(async () => {
    await api?.close();
  });

  /** A police notification as JSON text, with `extra` spliced in as written (a JSON object literal can't hold __proto__). */
  const notification = (extra: string, documentationId = 'pol-2') =>
    `{"documentationId":"${documentationId}","kind":"interview-invitation",` +
    `"offenceCategories":["robbery"],"occurredAt":"2026-03-21T10:00:00Z"${extra}}`;

  const postText = (path: string, body: string) =>
    api.http
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', `key-${++keys}`)
      .set('Content-Type', 'application/json')
      .send(body);

  describe('members named __proto__, constructor or prototype', () => {
    it.each([
      ['__proto__ at the top', ',"__proto__":{"admin":true}', '__proto__'],
      ['constructor at the top', ',"constructor":{"prototype":{"x":1}}', 'constructor'],
      ['prototype at the top', ',"prototype":"x"', 'prototype'],
      [
        '__proto__ in an array item',
        ',"offenceCategories":["robbery",{"__proto__":{}}]',
        'offenceCategories[1].__proto__',
      ],
      ['constructor deep down', ',"a":{"b":[0,{"c":{"constructor":1}}]}', 'a.b[1].c.constructor'],
    ])('refuses %s as unknown-field naming it, and stores nothing', async (_case, extra, field) => {
      const before = await api.eventCount();
      const response = await postText(`/v1/cases/${caseId}/police-notifications`, notification(extra));

      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(response.body).toMatchObject({
        status: 400,
        code: 'unknown-field',
        field,
        detail: `${field} is not a field of this request`,
        errors: [{ field, code: 'unknown-field' }],
      });
      expect(await api.eventCount()).toBe(before);
    });

    it('does not name a member whose path would repeat a CPR number', async () => {
      const response = await postText(
        `/v1/cases/${caseId}/police-notifications`,
        notification(`,"${CPR_ID}":{"__proto__":1}`),
      );

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('unknown-field');
      expect(withoutRandomIds(response.text)).not.toMatch(LEAK);
    });

    it('accepts those words as values', async () => {
      const response = await api.http
        .post(`/v1/cases/${caseId}/police-notifications/pol-1/target-group-assessments`)
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', `key-${++keys}`)
        .send({
          inTargetGroup: false,
          reasoning: '__proto__ constructor prototype',
          occurredAt: '2026-03-21T10:00:00Z',
        });

      expect(response.status).toBe(201);
    });
  });

  describe('a body that is not UTF-8', () => {
    it('answers "Søren" in Windows-1252 with 400 body-not-utf8, and stores nothing', async () => {
      const before = await api.eventCount();
      const [head, tail] = notification(',"note":"S\u00f8ren"', 'pol-3').split('\u00f8');
      // ø in Windows-1252 and Latin-1 is the byte F8, which never stands alone in UTF-8.
      const body = Buffer.concat([Buffer.from(head), Buffer.from([0xf8]), Buffer.from(tail)]);
      // As bytes on the wire: supertest would send a Buffer as JSON.
      const response = await sendRaw(
        api.running.url,
        Buffer.concat([
          Buffer.from(
            `POST /v1/cases/${caseId}/police-notifications HTTP/1.1\r\nHost: localhost\r\n` +
              `Authorization: Bearer ${token}\r\nIdempotency-Key: not-utf8\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          ),
          body,
        ]),
      );

      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(JSON.parse(response.body)).toEqual({
        type: 'urn:fristvagt:problem:body-not-utf8',
        title: 'Bad Request',
        status: 400,
        detail: 'The request body must be encoded as UTF-8.',
        code: 'body-not-utf8',
        field: 'body',
      });
      expect(await api.eventCount()).toBe(before);
    });
  });

  describe('errors before a request is read (raw sockets)', () => {
    const expectProblem = (response: RawResponse, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe(PROBLEM_JSON);
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      expect(JSON.parse(response.body)).toMatchObject({
        status,
        code,
        type: `urn:fristvagt:problem:${code}`,
      });
      expect(response.body).not.toContain('Client Error');
    };

    it('answers a 20 kB URL with 431 headers-too-large', async () => {
      const response = await sendRaw(
        api.running.url,
        `GET /v1/rules?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
      );
      expectProblem(response, 431, 'headers-too-large');
    });

    it.each([
      [
        'Content-Length together with Transfer-Encoding: chunked',
        'POST /v1/cases/lookup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      ],
      ['a header line without a colon', 'GET /health HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n'],
      ['bare LF line endings', 'GET /health HTTP/1.1\nHost: localhost\n\n'],
      ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    ])('answers %s with 400 malformed-request', async (_case, raw) => {
      expectProblem(await sendRaw(api.running.url, raw), 400, 'malformed-request');
    });
  });

  describe('a CPR-shaped id', () => {
    it('is 400 id-looks-like-cpr in a body, without the value', async () => {
      const before = await api.eventCount();
      const response = await postText(`/v1/cases/${caseId}/police-notifications`, notification('', CPR_ID));

      expect(refusalOf(response)).toEqual({
        status: 400,
        code: 'id-looks-like-cpr',
        field: 'documentationId',
      });
      expect(withoutRandomIds(response.text)).not.toMatch(LEAK);
      expect(await api.eventCount()).toBe(before);
    });

    it.each([
      ['documentationId', `/v1/cases/{caseId}/police-notifications/${CPR_ID}/target-group-assessments`],
      [
        'documentationId',
        `/v1/cases/{caseId}/police-notifications/${CPR_ID.replace('-', '')}/target-group-assessments`,
      ],
      ['obligationId', `/v1/cases/{caseId}/obligations/${CPR_ID}/waivers`],
    ])('is 400 id-looks-like-cpr in a path (%s), without the value', async (field, path) => {
      const supervisor = await api.key('supervisor', ['461']);
      const before = await api.eventCount();
      const response = await api.http
        .post(path.replace('{caseId}', caseId))
        .set('Authorization', `Bearer ${field === 'obligationId' ? supervisor : token}`)
        .set('Idempotency-Key', `key-${++keys}`)
        .send({ inTargetGroup: false, reasoning: 'Ikke i målgruppen', occurredAt: '2026-03-21T10:00:00Z' });

      expect(isProblemJson(response)).toBe(true);
      expect(refusalOf(response)).toEqual({
        status: 400,
        code: 'id-looks-like-cpr',
        field,
      });
      expect(withoutRandomIds(response.text)).not.toMatch(LEAK);
      expect(await api.eventCount()).toBe(before);
    });
  });

  describe('the due calculator and birth dates', () => {
    const due = (path: string) => api.http.get(path).set('Authorization', `Bearer ${token}`);

    it('takes the birth date in the body of POST /v1/rules/{ruleId}/due', async () => {
      const response = await api.http
        .post('/v1/rules/AC-ASSESS/due')
        .set('Authorization', `Bearer ${token}`)
        .send({ from: '2020-01-06T10:00:00Z', birthDate: '2010-08-31' });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        ruleId: 'AC-ASSESS',
        municipality: '461',
        localDueDate: '2028-02-29',
      });
    });

    it('refuses an impossible birth date in the body with 400 invalid-date, without the value', async () => {
      const response = await api.http
        .post('/v1/rules/AC-ASSESS/due')
        .set('Authorization', `Bearer ${token}`)
        .send({ from: '2020-01-06T10:00:00Z', birthDate: '2010-02-30' });

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'invalid-date', field: 'birthDate' });
      expect(response.text).not.toContain('2010-02-30');
    });

    it('refuses a birth date in the query of GET with 400 personal-data-in-query, pointing to the POST', async () => {
      const response = await due('/v1/rules/AC-ASSESS/due?from=2020-01-06T10:00:00Z&birthDate=2010-03-01');

      expect(response.status).toBe(400);
      expect(isProblemJson(response)).toBe(true);
      expect(response.body).toMatchObject({
        code: 'personal-data-in-query',
        field: 'birthDate',
        detail: expect.stringContaining('POST /v1/rules/{ruleId}/due'),
      });
      expect(response.text).not.toMatch(/2010-03-01|0103/);
    });

    it('still answers GET without a birth date', async () => {
      const response = await due('/v1/rules/NSR-CONVENE/due?from=2026-03-25T10:00:00Z');

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ruleId: 'NSR-CONVENE', localDueDate: '2026-04-01' });
    });

    it('points a GET for a birthday rule to the POST', async () => {
      const response = await due('/v1/rules/AC-END/due?from=2026-03-25T10:00:00Z');

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'birth-date-required',
        field: 'birthDate',
        detail: expect.stringContaining('POST /v1/rules/{ruleId}/due'),
      });
    });
  });

  it('logged none of these as a failure', () => {
    expect(api.logs()).not.toContain('request failed');
    expect(withoutRandomIds(api.logs())).not.toMatch(LEAK);
  });
});
