import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import {
  AlertsReadModel,
  alertsProjection,
  resolveWebhookSigningKey,
  webhookSecret,
} from '@fristvagt/alerts';
import { comparePositions, parsePosition, type Position } from '@fristvagt/event-store';
import { ProjectionRunner, type ReadModelDatabase } from '@fristvagt/projections';
import { READ_MODEL_DATABASE } from '@fristvagt/read-models';
import { cprFor, startTestApi, type TestApi } from '../support/api';
import { isProblemJson } from '../support/api-requests';

jest.setTimeout(120_000);

const NOW = '2026-03-25T12:00:00.000Z';
const WEBHOOK_URL = 'https://tilsyn.aarhus.example/hooks/fristvagt';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

type Tokens = Record<'sup461' | 'sup101' | 'admin461' | 'adminAll' | 'integration461' | 'auditor461', string>;

/**
 * Alert subscriptions and deliveries over HTTP, on the real app with the api alone (FRISTVAGT_ROLE=api): the
 * alerts read model is brought up to date by running its projection here, so every list is deterministic.
 * App `strict` refuses http:// webhooks and has SMTP configured; app `lax` allows http:// and has no SMTP.
 */
describe('alert subscriptions (PostgreSQL)', () => {
  let strict: TestApi;
  let lax: TestApi;
  let tokens: Tokens;
  let laxSupervisor: string;

  beforeAll(async () => {
    [strict, lax] = await Promise.all([
      startTestApi({ now: NOW, env: { ALERT_ALLOW_HTTP: 'false', SMTP_URL: 'smtp://127.0.0.1:2525' } }),
      startTestApi({ now: NOW }),
    ]);
    tokens = {
      sup461: await strict.key('supervisor', ['461']),
      sup101: await strict.key('supervisor', ['101']),
      admin461: await strict.key('admin', ['461']),
      adminAll: await strict.key('admin', '*'),
      integration461: await strict.key('integration', ['461']),
      auditor461: await strict.key('auditor', ['461']),
    };
    laxSupervisor = await lax.key('supervisor', ['461']);
  });

  afterAll(async () => {
    await Promise.all([strict?.close(), lax?.close()]);
  });

  const send = (
    api: TestApi,
    method: 'post' | 'patch' | 'delete',
    path: string,
    token: string,
    body?: object,
    idempotencyKey: string | null = randomUUID(),
  ) => {
    let request = api.http[method](path).set('Authorization', `Bearer ${token}`);
    if (idempotencyKey !== null) request = request.set('Idempotency-Key', idempotencyKey);
    return body === undefined ? request : request.send(body);
  };
  const subscribe = (token: string, body: object, key?: string | null, api: TestApi = strict) =>
    send(api, 'post', '/v1/alerts/subscriptions', token, body, key);
  // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
  const get = (token: string, path: string, query: Record<string, string> = {}, api: TestApi = strict) =>
    api.http
      .get(path)
      .query(query)
      .set('X-Audit-Purpose', 'Intern revision 2026')
      .set('Authorization', `Bearer ${token}`);

  /**
   * Brings the alerts read model up to date with the log, as the worker would, at least up to `upTo`: the log
   * is read below the oldest transaction open on the server, which other test files may hold back a while.
   */
  async function project(upTo?: Position | string): Promise<void> {
    const db = strict.running.app.get<ReadModelDatabase>(READ_MODEL_DATABASE);
    const projection = alertsProjection({ publicUrl: strict.running.config.alerts.publicUrl });
    const runner = new ProjectionRunner(projection, db, strict.store);
    const target = typeof upTo === 'string' ? parsePosition(upTo) : upTo;
    const deadline = Date.now() + 20_000;
    for (;;) {
      await runner.runUntilCaughtUp();
      if (target === undefined) return;
      const { position } = await strict.running.app.get(AlertsReadModel).live.checkpoint();
      if (position !== null && comparePositions(position, target) >= 0) return;
      if (Date.now() > deadline) throw new Error(`the alerts read model did not reach ${String(upTo)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The response is refused as problem+json naming `field` with `code`, and nothing was stored. */
  async function expectRefused(
    api: TestApi,
    request: () => PromiseLike<Response>,
    expected: { status: number; code: string; field?: string },
  ): Promise<Response> {
    const before = await api.eventCount();
    const response = await request();
    const codes = [response.body.code, ...(response.body.errors ?? []).map((e: { code: string }) => e.code)];
    const fields = [
      response.body.field,
      ...(response.body.errors ?? []).map((e: { field: string }) => e.field),
    ];
    expect({
      status: response.status,
      problem: isProblemJson(response),
      code: codes.includes(expected.code) ? expected.code : codes,
      field: expected.field === undefined || fields.includes(expected.field) ? expected.field : fields,
    }).toEqual({ status: expected.status, problem: true, code: expected.code, field: expected.field });
    if (expected.field !== undefined) expect(response.body.field).toBe(expected.field);
    expect(await api.eventCount()).toBe(before);
    return response;
  }

  describe('creating', () => {
    it('answers 201 with the subscription, where it is, and its signing secret; reads never show the secret', async () => {
      const before = await strict.eventCount();
      const created = await subscribe(tokens.sup461, {
        municipality: '461',
        channel: { kind: 'webhook', url: WEBHOOK_URL },
        rules: ['NSR-CONVENE'],
      });

      expect(created.status).toBe(201);
      const id: string = created.body.subscriptionId;
      expect(id).toMatch(UUID);
      expect(created.headers.location).toBe(`/v1/alerts/subscriptions/${id}`);
      expect(created.body).toEqual({
        subscriptionId: id,
        municipality: '461',
        channel: { kind: 'webhook', url: WEBHOOK_URL },
        rules: ['NSR-CONVENE'],
        kinds: ['due-soon', 'breached', 'fulfilled-late'],
        digest: false,
        secretVersion: 1,
        previousSecretVersion: null,
        previousSecretValidUntil: null,
        createdBy: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        position: expect.stringMatching(/^\d+:\d+$/),
        secret: expect.stringMatching(SECRET),
      });
      // The secret is the one the worker signs with: derived from the master key, never stored.
      const masterKey = await resolveWebhookSigningKey(strict.running.config);
      expect(created.body.secret).toBe(webhookSecret(masterKey, id, 1));
      expect(await strict.eventCount()).toBe(before + 1);
      const [event] = await strict.store.readStream(`alert-subscription-${id}`);
      expect(event).toMatchObject({
        type: 'AlertSubscriptionCreated',
        metadata: { municipality: '461', actor: created.body.createdBy, idempotency: expect.any(Object) },
      });
      expect(JSON.stringify([event.data, event.metadata])).not.toContain(created.body.secret.slice(6));

      const read = await get(tokens.sup461, `/v1/alerts/subscriptions/${id}`).expect(200);
      const { secret: _secret, position: _position, ...view } = created.body;
      expect(read.body).toEqual(view);
      expect(read.body).not.toHaveProperty('secret');
    });

    it('creates an e-mail subscription, without a secret, where SMTP is configured', async () => {
      const created = await subscribe(tokens.admin461, {
        municipality: '461',
        channel: { kind: 'email', address: 'tilsyn@aarhus.example' },
        kinds: ['breached'],
        digest: true,
      }).expect(201);

      expect(created.body).toMatchObject({
        channel: { kind: 'email', address: 'tilsyn@aarhus.example' },
        kinds: ['breached'],
        digest: true,
        rules: null,
        secretVersion: null,
        secret: null,
      });
    });

    it('answers a retry with the same Idempotency-Key as the first time, and stores nothing twice', async () => {
      const key = randomUUID();
      const body = {
        municipality: '461',
        channel: { kind: 'webhook', url: WEBHOOK_URL },
        kinds: ['breached'],
      };
      const first = await subscribe(tokens.sup461, body, key).expect(201);
      const before = await strict.eventCount();

      const again = await subscribe(
        tokens.sup461,
        { kinds: ['breached'], channel: body.channel, municipality: '461' },
        key,
      );

      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await strict.eventCount()).toBe(before);
      await expectRefused(strict, () => subscribe(tokens.sup461, { ...body, kinds: ['due-soon'] }, key), {
        status: 422,
        code: 'idempotency-key-reused',
        field: 'Idempotency-Key',
      });
      // Another API key's identical key is another request altogether.
      const other = await subscribe(tokens.admin461, body, key).expect(201);
      expect(other.body.subscriptionId).not.toBe(first.body.subscriptionId);
    });

    it.each([
      ['a malformed URL', { kind: 'webhook', url: 'not a url' }, 'webhook-url-invalid', 'channel.url'],
      [
        'an http:// URL where only https is allowed',
        { kind: 'webhook', url: 'http://tilsyn.example/h' },
        'webhook-url-not-https',
        'channel.url',
      ],
      [
        'a loopback destination',
        { kind: 'webhook', url: 'https://127.0.0.1/hook' },
        'webhook-destination-refused',
        'channel.url',
      ],
      [
        'the cloud metadata service',
        { kind: 'webhook', url: 'https://169.254.169.254/latest' },
        'webhook-destination-refused',
        'channel.url',
      ],
      [
        'a private address',
        { kind: 'webhook', url: 'https://10.0.0.7:8443/h' },
        'webhook-destination-refused',
        'channel.url',
      ],
      [
        'credentials in the URL',
        { kind: 'webhook', url: 'https://user:pw@tilsyn.example/h' },
        'webhook-url-credentials',
        'channel.url',
      ],
      [
        'a CPR number in the URL',
        { kind: 'webhook', url: 'https://tilsyn.example/h?youth=0103101234' },
        'cpr-in-free-text',
        'channel.url',
      ],
      ['a webhook without a URL', { kind: 'webhook' }, 'required', 'channel.url'],
      ['a URL that is not a string', { kind: 'webhook', url: 42 }, 'invalid-type', 'channel.url'],
      [
        'a malformed e-mail address',
        { kind: 'email', address: 'tilsyn@' },
        'invalid-email',
        'channel.address',
      ],
      ['an e-mail channel without an address', { kind: 'email' }, 'required', 'channel.address'],
      [
        'an address on a webhook',
        { kind: 'webhook', url: WEBHOOK_URL, address: 'a@b.dk' },
        'unknown-field',
        'channel.address',
      ],
      ['an unknown channel kind', { kind: 'sms', url: WEBHOOK_URL }, 'invalid-value', 'channel.kind'],
      [
        'an unknown field in the channel',
        { kind: 'webhook', url: WEBHOOK_URL, secret: 'x' },
        'unknown-field',
        'channel.secret',
      ],
    ])('refuses %s, naming the field, and stores nothing', async (_name, channel, code, field) => {
      await expectRefused(strict, () => subscribe(tokens.sup461, { municipality: '461', channel }), {
        status: 400,
        code,
        field,
      });
    });

    it.each([
      ['an unknown rule', { rules: ['NSR-CONVENE', 'NO-SUCH-RULE'] }, 'unknown-rule', 'rules'],
      ['no rule at all', { rules: [] }, 'too-few-items', 'rules'],
      ['an unknown kind', { kinds: ['breached', 'overdue'] }, 'unknown-kind', 'kinds'],
      ['no kind at all', { kinds: [] }, 'too-few-items', 'kinds'],
      ['kinds sent as null', { kinds: null }, 'invalid-type', 'kinds'],
      ['digest that is not a boolean', { digest: 'yes' }, 'invalid-type', 'digest'],
      ['an unknown field', { secret: 'whsec_mine' }, 'unknown-field', 'secret'],
      ['a malformed municipality', { municipality: '46' }, 'invalid-municipality', 'municipality'],
      ['no channel', { channel: undefined }, 'required', 'channel'],
    ])('refuses %s, naming the field, and stores nothing', async (_name, change, code, field) => {
      const body = { municipality: '461', channel: { kind: 'webhook', url: WEBHOOK_URL }, ...change };
      await expectRefused(strict, () => subscribe(tokens.sup461, body), { status: 400, code, field });
    });

    it('needs an Idempotency-Key', async () => {
      const body = { municipality: '461', channel: { kind: 'webhook', url: WEBHOOK_URL } };
      await expectRefused(strict, () => subscribe(tokens.sup461, body, null), {
        status: 400,
        code: 'idempotency-key-required',
        field: 'Idempotency-Key',
      });
    });

    it('refuses e-mail where no SMTP relay is configured (channel-unavailable), and allows http:// where configured', async () => {
      await expectRefused(
        lax,
        () =>
          subscribe(
            laxSupervisor,
            { municipality: '461', channel: { kind: 'email', address: 'tilsyn@aarhus.example' } },
            undefined,
            lax,
          ),
        { status: 422, code: 'channel-unavailable', field: 'channel.kind' },
      );
      await subscribe(
        laxSupervisor,
        { municipality: '461', channel: { kind: 'webhook', url: 'http://tilsyn.example/h' } },
        undefined,
        lax,
      ).expect(201);
      // Loopback stays refused with http:// allowed: ALERT_ALLOWED_NETWORKS would have to admit it.
      await expectRefused(
        lax,
        () =>
          subscribe(
            laxSupervisor,
            { municipality: '461', channel: { kind: 'webhook', url: 'http://localhost:8080/h' } },
            undefined,
            lax,
          ),
        { status: 400, code: 'webhook-destination-refused', field: 'channel.url' },
      );
    });

    it('refuses a municipality outside the key (403) and other roles than supervisor and admin (403)', async () => {
      const body = { municipality: '101', channel: { kind: 'webhook', url: WEBHOOK_URL } };
      await expectRefused(strict, () => subscribe(tokens.sup461, body), {
        status: 403,
        code: 'municipality-out-of-scope',
        field: 'municipality',
      });
      for (const token of [tokens.integration461, tokens.auditor461]) {
        await expectRefused(strict, () => subscribe(token, { ...body, municipality: '461' }), {
          status: 403,
          code: 'forbidden-role',
        });
        await expectRefused(strict, () => get(token, '/v1/alerts/subscriptions'), {
          status: 403,
          code: 'forbidden-role',
        });
      }
      await expectRefused(strict, () => strict.http.get('/v1/alerts/subscriptions'), {
        status: 401,
        code: 'unauthenticated',
      });
    });
  });

  describe('reading, changing, rotating and removing', () => {
    let webhook: Record<string, unknown> & { subscriptionId: string; secret: string };
    let email: { subscriptionId: string };
    let of101: { subscriptionId: string };
    const path = (id: string, rest = '') => `/v1/alerts/subscriptions/${id}${rest}`;

    beforeAll(async () => {
      webhook = (
        await subscribe(tokens.sup461, {
          municipality: '461',
          channel: { kind: 'webhook', url: WEBHOOK_URL },
        }).expect(201)
      ).body;
      email = (
        await subscribe(tokens.sup461, {
          municipality: '461',
          channel: { kind: 'email', address: 'tilsyn@aarhus.example' },
        }).expect(201)
      ).body;
      of101 = (
        await subscribe(tokens.sup101, {
          municipality: '101',
          channel: { kind: 'webhook', url: 'https://tilsyn.kbh.example/h' },
        }).expect(201)
      ).body;
    });

    it("lists the key's subscriptions from the read model, after minPosition; never another municipality's", async () => {
      await project();
      const last = (
        await subscribe(tokens.sup461, {
          municipality: '461',
          channel: { kind: 'webhook', url: WEBHOOK_URL },
        }).expect(201)
      ).body;
      // Sent before the read model has the subscription: the answer waits for it.
      const waiting = get(tokens.sup461, '/v1/alerts/subscriptions', {
        minPosition: last.position,
        wait: '5000',
      }).then((response) => response);
      await project(last.position);
      const list = await waiting;
      expect(list.status).toBe(200);

      expect(list.body.readModel).toMatchObject({ reached: true, checkpoint: expect.any(String) });
      const ids = list.body.items.map((item: { subscriptionId: string }) => item.subscriptionId);
      expect(ids).toEqual(
        expect.arrayContaining([webhook.subscriptionId, email.subscriptionId, last.subscriptionId]),
      );
      expect(ids).not.toContain(of101.subscriptionId);
      expect(list.body.items.every((item: { municipality: string }) => item.municipality === '461')).toBe(
        true,
      );
      expect(list.body.items.some((item: object) => 'secret' in item)).toBe(false);
      const mine = list.body.items.find(
        (item: { subscriptionId: string }) => item.subscriptionId === last.subscriptionId,
      );
      const { secret: _secret, position: _position, ...view } = last;
      expect(mine).toEqual(view);

      const of101List = await get(tokens.sup101, '/v1/alerts/subscriptions').expect(200);
      expect(of101List.body.items.map((item: { subscriptionId: string }) => item.subscriptionId)).toEqual([
        of101.subscriptionId,
      ]);
      const all = await get(tokens.adminAll, '/v1/alerts/subscriptions', { municipality: '101,461' }).expect(
        200,
      );
      expect(all.body.items.map((item: { subscriptionId: string }) => item.subscriptionId)).toEqual(
        expect.arrayContaining([of101.subscriptionId, webhook.subscriptionId]),
      );
      await expectRefused(
        strict,
        () => get(tokens.sup461, '/v1/alerts/subscriptions', { municipality: '101' }),
        {
          status: 403,
          code: 'municipality-out-of-scope',
          field: 'municipality',
        },
      );
    });

    it("treats another municipality's subscription as not there: no read, change, rotation or removal", async () => {
      const id = webhook.subscriptionId;
      await expectRefused(strict, () => get(tokens.sup101, path(id)), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(strict, () => send(strict, 'patch', path(id), tokens.sup101, { digest: true }), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(
        strict,
        () => send(strict, 'post', path(id, '/secret-rotations'), tokens.sup101, {}),
        {
          status: 404,
          code: 'subscription-not-found',
        },
      );
      await expectRefused(strict, () => send(strict, 'delete', path(id), tokens.sup101), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(strict, () => get(tokens.sup461, path(randomUUID())), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(strict, () => get(tokens.sup461, path('not-a-uuid')), {
        status: 400,
        code: 'invalid-subscription-id',
        field: 'subscriptionId',
      });
      await expectRefused(
        strict,
        () => send(strict, 'patch', path(id), tokens.integration461, { digest: true }),
        {
          status: 403,
          code: 'forbidden-role',
        },
      );
    });

    it('changes only what is sent, checks it as at creation, and answers a retry the same', async () => {
      const id = webhook.subscriptionId;
      const key = randomUUID();
      const change = { rules: ['NSR-CONVENE', 'NSR-HOLD'], kinds: ['breached'], digest: true };
      const changed = await send(strict, 'patch', path(id), tokens.sup461, change, key).expect(200);

      expect(changed.body).toMatchObject({
        subscriptionId: id,
        channel: { kind: 'webhook', url: WEBHOOK_URL },
        rules: ['NSR-CONVENE', 'NSR-HOLD'],
        kinds: ['breached'],
        digest: true,
        secretVersion: 1,
      });
      expect(changed.body).not.toHaveProperty('secret');
      const before = await strict.eventCount();
      const again = await send(strict, 'patch', path(id), tokens.sup461, change, key).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(changed.body);
      // The same values again change nothing, and record nothing.
      await send(strict, 'patch', path(id), tokens.sup461, change).expect(200);
      expect(await strict.eventCount()).toBe(before);

      const moved = await send(strict, 'patch', path(id), tokens.sup461, {
        channel: { kind: 'webhook', url: 'https://ny.aarhus.example/h' },
        rules: null,
      }).expect(200);
      expect(moved.body).toMatchObject({
        channel: { kind: 'webhook', url: 'https://ny.aarhus.example/h' },
        rules: null,
        kinds: ['breached'],
        secretVersion: 1,
      });
      expect((await get(tokens.sup461, path(id)).expect(200)).body).toEqual(
        (({ position: _p, ...view }) => view)(moved.body),
      );

      for (const [body, code, field] of [
        [{ rules: ['NO-SUCH-RULE'] }, 'unknown-rule', 'rules'],
        [{ kinds: ['soon'] }, 'unknown-kind', 'kinds'],
        [
          { channel: { kind: 'webhook', url: 'http://tilsyn.example/h' } },
          'webhook-url-not-https',
          'channel.url',
        ],
        [
          { channel: { kind: 'webhook', url: 'https://[::1]/h' } },
          'webhook-destination-refused',
          'channel.url',
        ],
        [{ municipality: '101' }, 'unknown-field', 'municipality'],
        [{ digest: null }, 'invalid-type', 'digest'],
      ] as const) {
        await expectRefused(strict, () => send(strict, 'patch', path(id), tokens.sup461, body), {
          status: 400,
          code,
          field,
        });
      }
      await expectRefused(
        strict,
        () =>
          send(strict, 'patch', path(id), tokens.sup461, {
            channel: { kind: 'email', address: 'tilsyn@aarhus.example' },
          }),
        { status: 409, code: 'channel-kind-immutable', field: 'channel.kind' },
      );
    });

    it('rotates a webhook secret: a new secret once, the previous one valid for the overlap', async () => {
      const id = webhook.subscriptionId;
      const key = randomUUID();
      const rotated = await send(
        strict,
        'post',
        path(id, '/secret-rotations'),
        tokens.admin461,
        {},
        key,
      ).expect(201);

      expect(rotated.body).toEqual({
        subscriptionId: id,
        secret: expect.stringMatching(SECRET),
        secretVersion: 2,
        previousSecretVersion: 1,
        previousSecretValidUntil: '2026-03-26T12:00:00.000Z',
        position: expect.stringMatching(/^\d+:\d+$/),
      });
      expect(rotated.body.secret).not.toBe(webhook.secret);
      const masterKey = await resolveWebhookSigningKey(strict.running.config);
      expect(rotated.body.secret).toBe(webhookSecret(masterKey, id, 2));
      const again = await send(
        strict,
        'post',
        path(id, '/secret-rotations'),
        tokens.admin461,
        {},
        key,
      ).expect(201);
      expect(again.body).toEqual(rotated.body);
      expect(again.headers['idempotent-replayed']).toBe('true');

      const read = await get(tokens.sup461, path(id)).expect(200);
      expect(read.body).toMatchObject({
        secretVersion: 2,
        previousSecretVersion: 1,
        previousSecretValidUntil: '2026-03-26T12:00:00.000Z',
      });
      expect(read.body).not.toHaveProperty('secret');

      const retired = await send(strict, 'post', path(id, '/secret-rotations'), tokens.sup461, {
        overlapHours: 0,
      }).expect(201);
      expect(retired.body).toMatchObject({
        secretVersion: 3,
        previousSecretVersion: 2,
        previousSecretValidUntil: NOW,
      });

      for (const [body, code] of [
        [{ overlapHours: 169 }, 'out-of-range'],
        [{ overlapHours: -1 }, 'out-of-range'],
        [{ overlapHours: 1.5 }, 'invalid-type'],
        [{ overlap: 2 }, 'unknown-field'],
      ] as const) {
        await expectRefused(
          strict,
          () => send(strict, 'post', path(id, '/secret-rotations'), tokens.sup461, body),
          {
            status: 400,
            code,
          },
        );
      }
      await expectRefused(
        strict,
        () => send(strict, 'post', path(email.subscriptionId, '/secret-rotations'), tokens.sup461, {}),
        { status: 409, code: 'not-a-webhook' },
      );
    });

    it('removes a subscription (204): gone from reads, and a retry answers 204 again', async () => {
      const id = email.subscriptionId;
      const key = randomUUID();
      const before = await strict.eventCount();
      const removed = await send(strict, 'delete', path(id), tokens.sup461, undefined, key);

      expect(removed.status).toBe(204);
      expect(await strict.eventCount()).toBe(before + 1);
      const events = await strict.store.readStream(`alert-subscription-${id}`);
      expect(events.map((event) => event.type)).toEqual([
        'AlertSubscriptionCreated',
        'AlertSubscriptionRemoved',
      ]);
      const again = await send(strict, 'delete', path(id), tokens.sup461, undefined, key).expect(204);
      expect(again.headers['idempotent-replayed']).toBe('true');
      await expectRefused(strict, () => get(tokens.sup461, path(id)), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(strict, () => send(strict, 'delete', path(id), tokens.sup461), {
        status: 404,
        code: 'subscription-not-found',
      });
      await expectRefused(strict, () => send(strict, 'patch', path(id), tokens.sup461, { digest: true }), {
        status: 404,
        code: 'subscription-not-found',
      });

      await project(events[1].position);
      const list = await get(tokens.sup461, '/v1/alerts/subscriptions').expect(200);
      expect(list.body.items.map((item: { subscriptionId: string }) => item.subscriptionId)).not.toContain(
        id,
      );
    });
  });

  describe('deliveries', () => {
    let caseId: string;
    let subscriptions: string[];
    let deliveries: Array<{ deliveryId: string; subscriptionId: string }>;

    /** A case of 461 whose police notification came 8 days ago: NSR-CONVENE's 7 days have passed. */
    beforeAll(async () => {
      subscriptions = [];
      for (const kinds of [['breached'], ['breached', 'due-soon']]) {
        const created = await subscribe(tokens.sup461, {
          municipality: '461',
          channel: { kind: 'webhook', url: WEBHOOK_URL },
          kinds,
        }).expect(201);
        subscriptions.push(created.body.subscriptionId);
      }
      const post = (path: string, body: object) =>
        send(strict, 'post', path, tokens.integration461, body).expect(201);
      const eightDaysAgo = new Date(Date.parse(NOW) - 8 * 86_400_000).toISOString();
      caseId = (
        await post('/v1/cases', { cpr: cprFor('2010-03-01'), municipality: '461', occurredAt: eightDaysAgo })
      ).body.caseId;
      await post(`/v1/cases/${caseId}/police-notifications`, {
        documentationId: 'pol-1',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: eightDaysAgo,
      });
      // Past its due when recorded, NSR-CONVENE is breached in the same append.
      const breaches = (await strict.store.readStream(`case-${caseId}`)).filter(
        (event) => event.type === 'ObligationBreached',
      );
      expect(breaches).toHaveLength(1);
      await project(breaches[0].position);
      deliveries = (await get(tokens.sup461, '/v1/alerts/deliveries', { caseId }).expect(200)).body.items;
    });

    it("lists the deliveries owed to the key's subscriptions, newest first, filtered and paged", async () => {
      // One per subscription of 461 that wants breaches: these two, and those of the tests before.
      expect(deliveries.map((d) => d.subscriptionId)).toEqual(expect.arrayContaining(subscriptions));
      expect(new Set(deliveries.map((d) => d.subscriptionId)).size).toBe(deliveries.length);
      expect(deliveries.find((d) => d.subscriptionId === subscriptions[0])).toMatchObject({
        municipality: '461',
        kind: 'breached',
        channel: 'webhook',
        caseId,
        obligationId: 'NSR-CONVENE:documentation:pol-1',
        ruleId: 'NSR-CONVENE',
        status: 'pending',
        attempts: 0,
        resends: 0,
      });

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: Response = await get(tokens.sup461, '/v1/alerts/deliveries', {
          caseId,
          limit: '3',
          ...(cursor !== null && { cursor }),
        }).expect(200);
        pages.push(page.body.items.map((d: { deliveryId: string }) => d.deliveryId));
        cursor = page.body.next;
      } while (cursor !== null && pages.length < 10);
      expect(pages.flat()).toEqual(deliveries.map((d) => d.deliveryId));

      const bySubscription = await get(tokens.sup461, '/v1/alerts/deliveries', {
        subscriptionId: subscriptions[0],
        status: 'pending,failed',
        kind: 'breached',
      }).expect(200);
      expect(bySubscription.body.items.map((d: { subscriptionId: string }) => d.subscriptionId)).toEqual([
        subscriptions[0],
      ]);
      const delivered = await get(tokens.sup461, '/v1/alerts/deliveries', {
        caseId,
        status: 'delivered',
      }).expect(200);
      expect(delivered.body.items).toEqual([]);
      const auditor = await get(tokens.auditor461, '/v1/alerts/deliveries', { caseId }).expect(200);
      expect(auditor.body.items).toEqual(deliveries);
      expect(strict.logs()).toContain('alert-deliveries-read');
      const other = await get(tokens.sup101, '/v1/alerts/deliveries', { caseId }).expect(200);
      expect(other.body.items).toEqual([]);

      for (const [query, code, field] of [
        [{ status: 'lost' }, 'invalid-status', 'status'],
        [{ kind: 'overdue' }, 'unknown-kind', 'kind'],
        [{ cursor: 'eyJ9' }, 'invalid-cursor', 'cursor'],
        [{ caseId: 'x' }, 'invalid-case-id', 'caseId'],
        [{ limit: '0' }, 'out-of-range', 'limit'],
        [{ colour: 'red' }, 'unknown-field', 'colour'],
      ] as const) {
        await expectRefused(strict, () => get(tokens.sup461, '/v1/alerts/deliveries', query), {
          status: 400,
          code,
          field,
        });
      }
      await expectRefused(strict, () => get(tokens.integration461, '/v1/alerts/deliveries'), {
        status: 403,
        code: 'forbidden-role',
      });
    });

    it('reads one delivery within scope', async () => {
      const [first] = deliveries;
      const one = await get(tokens.auditor461, `/v1/alerts/deliveries/${first.deliveryId}`).expect(200);
      expect(one.body).toEqual(first);
      await expectRefused(strict, () => get(tokens.sup101, `/v1/alerts/deliveries/${first.deliveryId}`), {
        status: 404,
        code: 'delivery-not-found',
      });
    });

    it('lets an admin ask for a delivery to be sent again (202), once per Idempotency-Key', async () => {
      const { deliveryId } = deliveries[0];
      const resendPath = `/v1/alerts/deliveries/${deliveryId}/resend`;
      for (const token of [tokens.sup461, tokens.auditor461]) {
        await expectRefused(strict, () => send(strict, 'post', resendPath, token), {
          status: 403,
          code: 'forbidden-role',
        });
      }
      await expectRefused(strict, () => send(strict, 'post', resendPath, 'fv_nokey_nosecret'), {
        status: 401,
        code: 'invalid-api-key',
      });
      const key = randomUUID();
      const accepted = await send(strict, 'post', resendPath, tokens.admin461, undefined, key);

      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({
        deliveryId,
        requestedAt: NOW,
        position: expect.stringMatching(/^\d+:\d+$/),
      });
      const again = await send(strict, 'post', resendPath, tokens.admin461, undefined, key).expect(202);
      expect(again.body).toEqual(accepted.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const events = await strict.store.readStream(`alert-delivery-${deliveryId}`);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'AlertResendRequested',
        data: { deliveryId, at: NOW },
        metadata: { municipality: '461' },
      });

      await project(accepted.body.position);
      const one = await get(tokens.admin461, `/v1/alerts/deliveries/${deliveryId}`).expect(200);
      expect(one.body).toMatchObject({ status: 'pending', resends: 1 });
      await expectRefused(
        strict,
        () => send(strict, 'post', `/v1/alerts/deliveries/${randomUUID()}/resend`, tokens.admin461),
        {
          status: 404,
          code: 'delivery-not-found',
        },
      );
    });
  });
});
