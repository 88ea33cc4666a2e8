import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { JSON_BODY_LIMIT_BYTES } from '../../apps/api/src/problems/json-bodies';

// Opening PGlite (WebAssembly PostgreSQL) takes a few seconds per boot.
jest.setTimeout(60_000);

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';
/** Shaped like a CPR number, so a test can tell if the body is echoed or logged. */
const MARKER = '010203-1234';

/** A JSON object of about `bytes` bytes. */
const jsonOf = (bytes: number) => JSON.stringify({ note: MARKER, padding: 'x'.repeat(bytes) });

/** Sends `body` chunked, without Content-Length, so the limit is found while reading. */
function postChunked(
  url: string,
  path: string,
  body: string,
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'] ?? '',
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // The server may answer and stop reading before all chunks are sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    for (let i = 0; i < body.length; i += 8 * 1024) req.write(body.slice(i, i + 8 * 1024));
    req.end();
  });
}

describe('HTTP errors outside the controllers', () => {
  let dataDir: string;
  let running: RunningApp;
  const logged: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-http-'));
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logged.push(chunk.toString('utf8'));
        callback();
      },
    });
    running = await bootstrap({ DATA_DIR: dataDir, PORT: '0' }, { logDestination: destination });
  });

  afterAll(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (path: string) => request(running.app.getHttpServer()).post(path);

  it('answers a body that is not JSON with 400 malformed-json, without echoing it', async () => {
    const response = await post('/v1/cases')
      .set('Content-Type', 'application/json')
      .send(`{"cpr": "${MARKER}", oops}`)
      .expect(400);

    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toEqual({
      type: 'urn:fristvagt:problem:malformed-json',
      title: 'Bad Request',
      status: 400,
      detail: 'The request body is not valid JSON (an object or an array).',
      code: 'malformed-json',
    });
    expect(response.text).not.toContain(MARKER);
  });

  it('answers a JSON body that is not an object or array with 400 malformed-json', async () => {
    const response = await post('/v1/cases').set('Content-Type', 'application/json').send('"just a string"');

    expect(response.status).toBe(400);
    expect(response.body.code).toBe('malformed-json');
  });

  it(`answers a body over ${JSON_BODY_LIMIT_BYTES / 1024} kB with 413 payload-too-large`, async () => {
    const response = await post('/v1/cases')
      .set('Content-Type', 'application/json')
      .send(jsonOf(JSON_BODY_LIMIT_BYTES))
      .expect(413);

    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'The request body is larger than 64 kB.',
      code: 'payload-too-large',
    });
  });

  it('answers a chunked body that grows over the limit with 413 too', async () => {
    const response = await postChunked(running.url, '/v1/cases', jsonOf(4 * JSON_BODY_LIMIT_BYTES));

    expect(response.status).toBe(413);
    expect(response.type).toBe(PROBLEM_JSON);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'payload-too-large' });
    expect(response.text).not.toContain(MARKER);
  });

  it('reads a JSON body just under the limit and goes on to routing', async () => {
    const response = await post('/nowhere')
      .set('Content-Type', 'application/json')
      .send(jsonOf(JSON_BODY_LIMIT_BYTES - 1024))
      .expect(404);

    expect(response.body).toMatchObject({ code: 'route-not-found' });
  });

  it.each([
    ['text/plain', `cpr=${MARKER}`],
    ['application/x-www-form-urlencoded', `cpr=${MARKER}`],
    ['application/xml', `<cpr>${MARKER}</cpr>`],
  ])('answers a POST body of %s with 415 unsupported-media-type', async (type, body) => {
    const response = await post('/v1/cases').set('Content-Type', type).send(body).expect(415);

    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toMatchObject({ status: 415, code: 'unsupported-media-type' });
    expect(response.text).not.toContain(MARKER);
  });

  it('answers a body without a Content-Type with 415', async () => {
    const response = await post('/v1/cases')
      .set('Content-Length', '2')
      .send(Buffer.from('{}'))
      .unset('Content-Type')
      .expect(415);

    expect(response.body.code).toBe('unsupported-media-type');
  });

  it('takes application/*+json as JSON, and a POST without a body whatever its type', async () => {
    await post('/nowhere').set('Content-Type', 'application/merge-patch+json').send('{}').expect(404);
    await post('/nowhere').expect(404);
  });

  it('answers an unknown route with 404 problem+json that does not repeat the path', async () => {
    const response = await request(running.app.getHttpServer()).get('/v1/nowhere').expect(404);

    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.body).toEqual({
      type: 'urn:fristvagt:problem:route-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No route of this API matches the method and path.',
      code: 'route-not-found',
    });
  });

  it('logs none of these as failures, and never the body', () => {
    const lines = logged.join('');
    expect(lines).not.toContain('request failed');
    expect(lines).not.toContain(MARKER);
  });
});
