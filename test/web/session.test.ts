import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request, { type Response } from 'supertest';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import type { ApiRole } from '../../apps/api/src/access/principal';
import { AlertStream } from '../../apps/api/src/alerts/alert-stream';
import { bootstrap } from '../../apps/api/src/main';
import { cprFor, startTestApi, type TestApi, testCprEnv } from '../support/api';
import { isProblemJson } from '../support/api-requests';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';

jest.setTimeout(120_000);

const NOW = '2026-03-25T12:00:00.000Z';
const MINUTE = 60_000;
const CPR = cprFor('2010-03-01');
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const at = (offsetMs: number) => new Date(Date.parse(NOW) + offsetMs).toISOString();

/** The session cookie's `name=value` from a response's Set-Cookie, and the attributes it was set with. */
function sessionCookieOf(response: Response): { pair: string; value: string; attributes: string[] } {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = header?.find((line) => /^(__Host-)?fristvagt_session=/.test(line));
  if (cookie === undefined) throw new Error(`no session cookie in ${JSON.stringify(response.headers)}`);
  const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
  return { pair: pair!, value: pair!.slice(pair!.indexOf('=') + 1), attributes };
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

interface Session {
  /** `fristvagt_session=…`, for a Cookie header. */
  readonly cookie: string;
  readonly token: string;
  readonly csrfToken: string;
  readonly body: Record<string, unknown>;
}

/**
 * A text/event-stream opened as a browser EventSource would: GET with the cookie and nothing else; an
 * auditor's page adds the purpose of its reads as a parameter (issue 13).
 */
function openStream(
  url: string,
  cookie: string,
  purpose?: string,
): Promise<{ status: number; type: string; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/v1/alerts/stream${purpose === undefined ? '' : `?purpose=${encodeURIComponent(purpose)}`}`,
      { headers: { Cookie: cookie, Accept: 'text/event-stream' } },
      (response: IncomingMessage) => {
        const ended = new Promise<void>((done) => response.on('close', () => done()));
        response.on('data', () => undefined);
        response.on('error', () => undefined);
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          ended,
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    request.end();
  });
}

async function writePage(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><title>Fristvagt</title><script type="module" src="/app/assets/app-3f2a1b.js"></script>\n',
  );
  await writeFile(join(dir, 'assets', 'app-3f2a1b.js'), 'console.log("fristvagt");\n');
}

describe('web sessions on PostgreSQL', () => {
  let api: TestApi;
  let keys: ApiKeyStore;
  let sql: Client;
  let assetsDir: string;
  let case461: string;
  let case101: string;
  const tokens: Partial<Record<string, string>> = {};

  const signIn = async (apiKey: string, headers: Record<string, string> = {}): Promise<Session> => {
    const response = await api.http.post('/v1/session').set(headers).send({ apiKey }).expect(201);
    const { pair, value } = sessionCookieOf(response);
    return { cookie: pair, token: value, csrfToken: response.body.csrfToken, body: response.body };
  };

  const key = async (role: ApiRole, municipalities: readonly string[] | '*'): Promise<string> => {
    const token = await api.key(role, municipalities);
    tokens[`${role}-${randomUUID()}`] = token;
    return token;
  };

  const openCaseOver = async (token: string, municipality: string, occurredAt: string): Promise<string> => {
    const opened = await api.http
      .post('/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', randomUUID())
      .send({ cpr: CPR, municipality, occurredAt })
      .expect(201);
    const caseId = String(opened.body.caseId);
    await api.http
      .post(`/v1/cases/${caseId}/police-notifications`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', randomUUID())
      .send({ documentationId: 'pol-1', kind: 'youth-list', offenceCategories: ['theft'], occurredAt })
      .expect(201);
    return caseId;
  };

  const waiver = (caseId: string) =>
    api.http
      .post(`/v1/cases/${caseId}/obligations/NSR-CONVENE:documentation:pol-1/waivers`)
      .set('Idempotency-Key', randomUUID())
      .send({ occurredAt: at(-MINUTE), justification: 'The youth moved abroad.' });

  beforeAll(async () => {
    assetsDir = await mkdtemp(join(tmpdir(), 'fristvagt-web-'));
    await writePage(assetsDir);
    api = await startTestApi({ now: NOW, env: { WEB_ASSETS_DIR: assetsDir } });
    keys = api.running.app.get<ApiKeyStore>(API_KEY_STORE);
    sql = new Client({ connectionString: api.database.url });
    await sql.connect();
    case461 = await openCaseOver(await key('integration', ['461']), '461', at(-60 * MINUTE));
    case101 = await openCaseOver(await key('integration', ['101']), '101', at(-60 * MINUTE));
  });

  afterAll(async () => {
    await sql?.end();
    await api?.close();
    await rm(assetsDir, { recursive: true, force: true });
  });

  afterEach(() => {
    api.clock.set(NOW);
  });

  describe('signing in', () => {
    it.each([
      ['supervisor', ['461']],
      ['auditor', ['461', '101']],
      ['admin', '*'],
    ] as const)('exchanges a %s key for a session', async (role, municipalities) => {
      const apiKey = await key(role, municipalities);
      const session = await signIn(apiKey);

      expect(session.body).toEqual({
        keyId: apiKey.slice(3, 15),
        role,
        municipalities,
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expiresAt: at(8 * 60 * MINUTE),
        idleExpiresAt: at(30 * MINUTE),
      });
      expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(session.body)).not.toContain(apiKey);
    });

    it('refuses an integration key with 403 role-cannot-sign-in, and sets no cookie', async () => {
      const response = await api.http
        .post('/v1/session')
        .send({ apiKey: await key('integration', ['461']) })
        .expect(403);
      expect(isProblemJson(response)).toBe(true);
      expect(response.body.code).toBe('role-cannot-sign-in');
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('refuses an unknown, malformed or revoked key with 401 invalid-api-key, without echoing it', async () => {
      const revoked = await key('supervisor', ['461']);
      await keys.revoke(revoked.slice(3, 15), api.clock.now());
      for (const apiKey of [`fv_AAAAAAAAAAAA_${'A'.repeat(43)}`, 'not-a-key', revoked]) {
        const response = await api.http.post('/v1/session').send({ apiKey }).expect(401);
        expect(response.body.code).toBe('invalid-api-key');
        expect(response.text).not.toContain(apiKey);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    });

    it.each([
      ['no apiKey', {}, 'required'],
      ['a number', { apiKey: 42 }, 'invalid-type'],
      ['null', { apiKey: null }, 'required'],
    ])('refuses a body with %s: 400 naming the field apiKey', async (_what, body, code) => {
      const response = await api.http.post('/v1/session').send(body).expect(400);
      expect(isProblemJson(response)).toBe(true);
      expect(response.body).toMatchObject({ field: 'apiKey' });
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code })]));
    });

    it('sets an HttpOnly, SameSite=Strict cookie on Path=/, not Secure outside production', async () => {
      const response = await api.http
        .post('/v1/session')
        .send({ apiKey: await key('supervisor', ['461']) })
        .expect(201);
      const { pair, attributes } = sessionCookieOf(response);

      expect(pair).toMatch(/^fristvagt_session=[A-Za-z0-9_-]{43}$/);
      expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
      expect(attributes).not.toContain('Secure');
      expect(attributes.some((attribute) => /^(Max-Age|Expires|Domain)=/i.test(attribute))).toBe(false);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('stores only hashes of the cookie and the CSRF token', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const { rows } = await sql.query('SELECT * FROM web.sessions WHERE token_hash = $1', [
        sha256(session.token),
      ]);

      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        key_id: session.body.keyId,
        role: 'supervisor',
        municipalities: ['461'],
        csrf_token_hash: sha256(session.csrfToken),
        created_at: new Date(NOW),
        last_seen_at: new Date(NOW),
        expires_at: new Date(at(8 * 60 * MINUTE)),
        revoked_at: null,
      });
      expect(JSON.stringify(rows)).not.toContain(session.token);
      expect(JSON.stringify(rows)).not.toContain(session.csrfToken);
    });

    it('ends the session the browser had when it signs in again', async () => {
      const apiKey = await key('supervisor', ['461']);
      const first = await signIn(apiKey);
      const second = await signIn(apiKey, { Cookie: first.cookie });

      await api.http.get('/v1/session').set('Cookie', first.cookie).expect(401);
      await api.http.get('/v1/session').set('Cookie', second.cookie).expect(200);
    });
  });

  describe('the current session', () => {
    it('answers the same view, CSRF token included, while the cookie names a live session', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const response = await api.http.get('/v1/session').set('Cookie', session.cookie).expect(200);
      expect(response.body).toEqual(session.body);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('answers 401 no-session without a cookie, and deletes a cookie that names no session', async () => {
      const none = await api.http.get('/v1/session').expect(401);
      expect(isProblemJson(none)).toBe(true);
      expect(none.body.code).toBe('no-session');

      const unknown = await api.http
        .get('/v1/session')
        .set('Cookie', `fristvagt_session=${randomBytes(32).toString('base64url')}`)
        .expect(401);
      expect(unknown.body.code).toBe('no-session');
      expect(sessionCookieOf(unknown)).toMatchObject({
        value: '',
        attributes: expect.arrayContaining(['Max-Age=0']),
      });
    });

    it('signs out with the CSRF token: 204, the cookie deleted, the session over for every call', async () => {
      const session = await signIn(await key('supervisor', ['461']));

      const refused = await api.http.delete('/v1/session').set('Cookie', session.cookie).expect(403);
      expect(refused.body).toMatchObject({ code: 'csrf-token-invalid', field: 'X-CSRF-Token' });
      await api.http.get('/v1/session').set('Cookie', session.cookie).expect(200);

      const out = await api.http
        .delete('/v1/session')
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrfToken)
        .expect(204);
      expect(sessionCookieOf(out)).toMatchObject({
        value: '',
        attributes: expect.arrayContaining(['Max-Age=0']),
      });

      await api.http.get('/v1/session').set('Cookie', session.cookie).expect(401);
      const after = await api.http.get(`/v1/cases/${case461}`).set('Cookie', session.cookie).expect(401);
      expect(after.body.code).toBe('no-session');
    });
  });

  describe('calls made with the cookie', () => {
    it('reads within the key’s municipalities only: a supervisor of 461 never sees a case of 101', async () => {
      const session = await signIn(await key('supervisor', ['461']));

      const own = await api.http.get(`/v1/cases/${case461}`).set('Cookie', session.cookie).expect(200);
      expect(own.body.caseId).toBe(case461);
      const other = await api.http.get(`/v1/cases/${case101}`).set('Cookie', session.cookie).expect(404);
      expect(other.body.code).toBe('case-not-found');
      const listed = await api.http
        .get('/v1/obligations?municipality=101')
        .set('Cookie', session.cookie)
        .expect(403);
      expect(listed.body.code).toBe('municipality-out-of-scope');
    });

    it('answers 401 unauthenticated as before when there is neither key nor cookie', async () => {
      const response = await api.http.get(`/v1/cases/${case461}`).expect(401);
      expect(response.body.code).toBe('unauthenticated');
    });

    it('needs the CSRF token to change something; a bearer key does not', async () => {
      const supervisor = await key('supervisor', ['461']);
      const session = await signIn(supervisor);
      const integration = await key('integration', ['461']);
      const first = await openCaseOver(integration, '461', at(-30 * MINUTE));
      const second = await openCaseOver(integration, '461', at(-30 * MINUTE));
      const before = await api.eventCount();

      const without = await waiver(first).set('Cookie', session.cookie).expect(403);
      expect(without.body.code).toBe('csrf-token-invalid');
      const wrong = await waiver(first)
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', randomBytes(32).toString('base64url'))
        .expect(403);
      expect(wrong.body.code).toBe('csrf-token-invalid');
      expect(await api.eventCount()).toBe(before);

      const waived = await waiver(first)
        .set('Cookie', session.cookie)
        .set('X-CSRF-Token', session.csrfToken)
        .set('Origin', api.running.url)
        .expect(201);
      expect(waived.body.events.map((event: { type: string }) => event.type)).toContain('ObligationWaived');
      // The event's actor is the key, as with the key itself.
      const stored = await api.store.readStream(`case-${first}`);
      expect(stored[stored.length - 1]!.metadata.actor).toBe(session.body.keyId);

      await waiver(second).set('Authorization', `Bearer ${supervisor}`).expect(201);
    });

    it('refuses a change from another origin with 403 cross-origin-request, sign-in included', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const caseId = await openCaseOver(await key('integration', ['461']), '461', at(-30 * MINUTE));

      for (const origin of [
        'https://evil.example',
        'null',
        api.running.url.replace('127.0.0.1', 'localhost'),
      ]) {
        const response = await waiver(caseId)
          .set('Cookie', session.cookie)
          .set('X-CSRF-Token', session.csrfToken)
          .set('Origin', origin)
          .expect(403);
        expect(response.body.code).toBe('cross-origin-request');
      }
      const signInElsewhere = await api.http
        .post('/v1/session')
        .set('Origin', 'https://evil.example')
        .send({ apiKey: await key('supervisor', ['461']) })
        .expect(403);
      expect(signInElsewhere.body.code).toBe('cross-origin-request');
      expect(signInElsewhere.headers['set-cookie']).toBeUndefined();
    });

    it('uses the key when both a key and a cookie are sent', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const other = await key('supervisor', ['101']);
      await api.http
        .get(`/v1/cases/${case101}`)
        .set('Cookie', session.cookie)
        .set('Authorization', `Bearer ${other}`)
        .expect(200);
    });

    it("logs an auditor's page views with via: session, and no CPR number or secret", async () => {
      const auditor = await key('auditor', ['461']);
      const session = await signIn(auditor);
      const before = api.logs().length;

      const read = await api.http
        .get(`/v1/cases/${case461}`)
        .set('Cookie', session.cookie)
        .set('X-Audit-Purpose', 'Intern revision 2026')
        .expect(200);
      expect(read.body.person.cpr).not.toBe(CPR);

      const lines = api
        .logs()
        .slice(before)
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            audit: 'case-read',
            keyId: session.body.keyId,
            via: 'session',
            caseId: case461,
          }),
          expect.objectContaining({
            audit: 'page-view',
            keyId: session.body.keyId,
            via: 'session',
            method: 'GET',
            route: '/v1/cases/:caseId',
          }),
        ]),
      );
      const logs = api.logs();
      expect(logs).not.toContain(CPR);
      expect(logs).not.toContain(auditor);
      expect(logs).not.toContain(session.token);
      expect(logs).not.toContain(session.csrfToken);
      for (const token of Object.values(tokens)) expect(logs).not.toContain(token);
    });
  });

  describe('how long a session lives', () => {
    it('ends after 30 minutes without use; each use slides it, recorded at most once a minute', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const lastSeen = async () =>
        (
          await sql.query('SELECT last_seen_at FROM web.sessions WHERE token_hash = $1', [
            sha256(session.token),
          ])
        ).rows[0].last_seen_at as Date;

      api.clock.set(at(30_000));
      await api.http.get(`/v1/cases/${case461}`).set('Cookie', session.cookie).expect(200);
      expect(await lastSeen()).toEqual(new Date(NOW));

      api.clock.set(at(29 * MINUTE));
      const used = await api.http.get('/v1/session').set('Cookie', session.cookie).expect(200);
      expect(used.body.idleExpiresAt).toBe(at(59 * MINUTE));
      expect(await lastSeen()).toEqual(new Date(at(29 * MINUTE)));

      api.clock.set(at(58 * MINUTE));
      await api.http.get(`/v1/cases/${case461}`).set('Cookie', session.cookie).expect(200);

      api.clock.set(at(88 * MINUTE));
      const idle = await api.http.get(`/v1/cases/${case461}`).set('Cookie', session.cookie).expect(401);
      expect(idle.body.code).toBe('no-session');
      await api.http.get('/v1/session').set('Cookie', session.cookie).expect(401);
    });

    it('ends 8 hours after sign-in however busy it is', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      for (let minutes = 20; minutes < 8 * 60; minutes += 20) {
        api.clock.set(at(minutes * MINUTE));
        await api.http.get('/v1/session').set('Cookie', session.cookie).expect(200);
      }
      api.clock.set(at(8 * 60 * MINUTE - 1_000));
      const last = await api.http.get('/v1/session').set('Cookie', session.cookie).expect(200);
      expect(last.body.idleExpiresAt).toBe(at(8 * 60 * MINUTE));

      api.clock.set(at(8 * 60 * MINUTE));
      await api.http.get('/v1/session').set('Cookie', session.cookie).expect(401);
    });

    it('ends, every session of it, when its API key is revoked', async () => {
      const apiKey = await key('admin', ['461']);
      const one = await signIn(apiKey);
      const two = await signIn(apiKey);
      await api.http.get(`/v1/cases/${case461}`).set('Cookie', one.cookie).expect(200);

      await keys.revoke(String(one.body.keyId), api.clock.now());

      const refused = await api.http.get(`/v1/cases/${case461}`).set('Cookie', one.cookie).expect(401);
      expect(refused.body.code).toBe('no-session');
      await api.http.get('/v1/session').set('Cookie', two.cookie).expect(401);
      const { rows } = await sql.query('SELECT revoked_at FROM web.sessions WHERE key_id = $1', [
        one.body.keyId,
      ]);
      expect(rows.map((row) => row.revoked_at)).toEqual([new Date(NOW), new Date(NOW)]);
    });
  });

  describe('the alert stream with the cookie alone (a browser EventSource)', () => {
    const streams = () => api.running.app.get(AlertStream);

    it('streams to the page, and ends when the page signs out', async () => {
      const session = await signIn(await key('supervisor', ['461']));
      const stream = await openStream(api.running.url, session.cookie);
      try {
        expect(stream.status).toBe(200);
        expect(stream.type).toMatch(/^text\/event-stream/);
        await streams().recheck();
        expect(streams().openStreams()).toBeGreaterThan(0);

        await api.http
          .delete('/v1/session')
          .set('Cookie', session.cookie)
          .set('X-CSRF-Token', session.csrfToken)
          .expect(204);
        await streams().recheck();
        await stream.ended;
      } finally {
        stream.close();
      }
    });

    it('ends when the session expires or its key is revoked; an open stream does not keep it alive', async () => {
      const idle = await signIn(await key('auditor', ['461']));
      const revokedKey = await key('supervisor', ['461']);
      const revoked = await signIn(revokedKey);
      const idleStream = await openStream(api.running.url, idle.cookie, 'Intern revision 2026');
      const revokedStream = await openStream(api.running.url, revoked.cookie);
      try {
        expect([idleStream.status, revokedStream.status]).toEqual([200, 200]);

        api.clock.set(at(20 * MINUTE));
        await streams().recheck();
        await api.http.get('/v1/session').set('Cookie', revoked.cookie).expect(200);
        await keys.revoke(String(revoked.body.keyId), api.clock.now());
        await streams().recheck();
        await revokedStream.ended;

        api.clock.set(at(30 * MINUTE));
        await streams().recheck();
        await idleStream.ended;
      } finally {
        idleStream.close();
        revokedStream.close();
      }
    });

    it('refuses a stream without a live session: 401 no-session', async () => {
      const stream = await openStream(
        api.running.url,
        `fristvagt_session=${randomBytes(32).toString('base64url')}`,
      );
      stream.close();
      expect(stream.status).toBe(401);
    });
  });

  it('is documented in the OpenAPI document, tag session, with the cookie as a security scheme', async () => {
    const document = (await api.http.get('/docs-json').expect(200)).body;
    expect(document.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'fristvagt_session',
    });
    const paths = document.paths['/v1/session'];
    expect(Object.keys(paths).sort()).toEqual(['delete', 'get', 'post']);
    for (const operation of Object.values(paths) as Array<{ tags: string[] }>) {
      expect(operation.tags).toEqual(['session']);
    }
    expect(paths.get.security).toEqual([{ session: [] }]);
    expect(paths.delete.security).toEqual([{ session: [] }]);
    expect(Object.keys(paths.post.responses).sort()).toEqual(['201', '400', '401', '403']);
    expect(paths.post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SignInDto',
    });
    expect(document.paths['/v1/alerts/stream'].get.description).toContain('EventSource');
  });

  describe('the page at /app', () => {
    it('serves index.html at /app and /app/, never cached, with a strict CSP', async () => {
      for (const path of ['/app', '/app/']) {
        const response = await api.http.get(path).expect(200);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.text).toContain('<title>Fristvagt</title>');
        expect(response.headers).toMatchObject({
          'content-security-policy': CSP,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
        });
      }
    });

    it('serves hashed assets for a year, the page for its own routes, and 404 for what is not there', async () => {
      const asset = await api.http.get('/app/assets/app-3f2a1b.js').expect(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-security-policy']).toBe(CSP);
      expect(asset.text).toContain('fristvagt');

      const route = await api.http.get('/app/cases/overdue').expect(200);
      expect(route.text).toContain('<title>Fristvagt</title>');

      await api.http.get('/app/assets/missing-000000.js').expect(404);
      const traversal = await api.http.get('/app/assets/%2e%2e/%2e%2e/package.json');
      expect(traversal.status).toBeGreaterThanOrEqual(400);
    });

    it('needs no key, and / leads to it', async () => {
      const root = await api.http.get('/').expect(302);
      expect(root.headers.location).toBe('/app/');
    });

    it('is not served by a worker, which has no sessions either', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-web-worker-'));
      const worker = await bootstrap({
        FRISTVAGT_ROLE: 'worker',
        DATABASE_URL: api.database.url,
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        WEB_ASSETS_DIR: assetsDir,
        ...testCprEnv(),
      });
      try {
        await request(worker.url).get('/app/').expect(404);
        await request(worker.url).post('/v1/session').send({ apiKey: 'fv_x' }).expect(404);
      } finally {
        await worker.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
});

describe('web sessions with NODE_ENV=production', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({
      now: NOW,
      env: { NODE_ENV: 'production', WEBHOOK_SIGNING_KEY: randomBytes(32).toString('base64') },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('sets a Secure __Host- cookie, and reads it back', async () => {
    const response = await api.http
      .post('/v1/session')
      .send({ apiKey: await api.key('supervisor', ['461']) })
      .expect(201);
    const { pair, attributes } = sessionCookieOf(response);

    expect(pair).toMatch(/^__Host-fristvagt_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict', 'Secure']));
    await api.http.get('/v1/session').set('Cookie', pair).expect(200);
    // The name without the prefix is not the session's in production.
    await api.http.get('/v1/session').set('Cookie', pair.replace('__Host-', '')).expect(401);
  });
});

describe('web sessions on embedded PGlite', () => {
  let app: DeadlineApp;
  let missing: string;

  beforeAll(async () => {
    missing = join(tmpdir(), `fristvagt-no-web-${randomUUID()}`);
    app = await startDeadlineApp('embedded', { WEB_ASSETS_DIR: missing });
    app.clock.setNow(NOW);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('signs in, keeps scope and ends with the idle timeout', async () => {
    const integration101 = await app.key('integration', ['101']);
    const opened = await app.post(integration101, '/v1/cases', {
      cpr: CPR,
      municipality: '101',
      occurredAt: at(-MINUTE),
    });
    const response = await app.http
      .post('/v1/session')
      .send({ apiKey: await app.key('supervisor', ['461']) })
      .expect(201);
    const { pair } = sessionCookieOf(response);

    await app.http.get('/v1/session').set('Cookie', pair).expect(200);
    await app.http
      .get(`/v1/cases/${String(opened.caseId)}`)
      .set('Cookie', pair)
      .expect(404);
    const refused = await app.http.post('/v1/session').send({ apiKey: integration101 }).expect(403);
    expect(refused.body.code).toBe('role-cannot-sign-in');

    app.clock.setNow(at(31 * MINUTE));
    await app.http.get('/v1/session').set('Cookie', pair).expect(401);
  });

  it('starts without a built page: one warning, and /app answers 503 web-assets-missing', async () => {
    const response = await app.http.get('/app').expect(503);
    expect(isProblemJson(response)).toBe(true);
    expect(response.body.code).toBe('web-assets-missing');
    expect(response.body.detail).toContain('WEB_ASSETS_DIR');
    expect(response.body.detail).toContain('npm run build');
    expect(response.headers['content-security-policy']).toBe(CSP);
    await app.http.get('/app/assets/app-3f2a1b.js').expect(503);

    const warnings = app
      .logs()
      .split('\n')
      .filter((line) => line.includes('"variable":"WEB_ASSETS_DIR"'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 'warn', assetsDir: missing });
  });
});
