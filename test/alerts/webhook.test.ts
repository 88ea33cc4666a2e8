import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import {
  type AddressLookup,
  type DigestAlert,
  type ObligationAlert,
  verifyWebhook,
  WEBHOOK_USER_AGENT,
  webhookSecret,
  WebhookSender,
  type WebhookSenderOptions,
} from '@fristvagt/alerts';
import {
  type Receiver,
  type Respond,
  startReceiver,
  TLS_CERTIFICATE,
  TLS_HOST,
  verifyLikeTheDocs,
} from './receivers';

const CASE_ID = '5f0c3b8e-2d41-4a7e-9c1b-7e2f4d6a8b0c';
const ALERT: ObligationAlert = {
  alertId: 'a1b2c3d4-e5f6-5a7b-8c9d-aebfc0d1e2f3',
  kind: 'breached',
  municipality: '461',
  caseId: CASE_ID,
  obligationId: 'b7e1c2d4-aa30-4f5e-8d9c-0e1f2a3b4c5d',
  ruleId: 'NSR-CONVENE',
  dueAt: '2026-03-10T23:00:00.000Z',
  detectedAt: '2026-03-10T23:00:04.000Z',
  citation: 'Serviceloven § 57 c, stk. 1 (in force 1 October 2014)',
  caseUrl: `https://fristvagt.kommune.dk/cases/${CASE_ID}`,
};

const MASTER_KEY = randomBytes(32);
const SECRET = webhookSecret(MASTER_KEY, 'sub-1', 1);
const CONTEXT = { subscriptionId: 'sub-1', attempt: 1, secrets: [SECRET] };

/** The receivers listen on 127.0.0.1, which the default policy refuses: these tests allow it explicitly. */
function sender(options: Partial<WebhookSenderOptions> = {}): WebhookSender {
  return new WebhookSender({ allowHttp: true, allowedNetworks: ['127.0.0.1'], ...options });
}

/** A resolver that answers each question from the list in turn (the last answer repeats) and counts them. */
function scriptedDns(...answers: string[][]): AddressLookup & { calls: number } {
  const lookup = async (): Promise<LookupAddress[]> => {
    const answer = answers[Math.min(state.calls, answers.length - 1)]!;
    state.calls += 1;
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const state = Object.assign(lookup, { calls: 0 });
  return state;
}

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('WebhookSender against a real HTTP receiver', () => {
  it('POSTs the alert as signed JSON that the receiver verifies, with verifyWebhook and with the docs snippet', async () => {
    const hooks = await receiver();
    const before = Date.now();
    const result = await sender().send(
      ALERT,
      { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/hooks/fristvagt?m=461` },
      CONTEXT,
    );
    expect(result).toEqual({ ok: true, status: 204 });

    expect(hooks.received).toHaveLength(1);
    const [request] = hooks.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/fristvagt?m=461' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': ALERT.alertId,
      host: `127.0.0.1:${hooks.port}`,
    });
    const timestamp = Number(request!.headers['webhook-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));

    const payload = JSON.parse(request!.body);
    expect(payload).toEqual({ type: 'fristvagt.alert.breached', timestamp: expect.any(String), data: ALERT });
    expect(Math.floor(Date.parse(payload.timestamp) / 1000)).toBe(timestamp);

    expect(verifyWebhook(SECRET, request!.headers, request!.body, new Date())).toMatchObject({
      ok: true,
      id: ALERT.alertId,
    });
    expect(verifyLikeTheDocs(SECRET, request!.headers, request!.body)).toBe(true);
    const tampered = request!.body.replace('"461"', '"101"');
    expect(verifyWebhook(SECRET, request!.headers, tampered, new Date()).ok).toBe(false);
    expect(verifyLikeTheDocs(SECRET, request!.headers, tampered)).toBe(false);
  });

  it('refuses the same message outside the receiver’s replay window', async () => {
    const hooks = await receiver();
    await sender().send(ALERT, { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` }, CONTEXT);
    const [{ headers, body }] = hooks.received as [(typeof hooks.received)[number]];
    const sixMinutesLater = new Date(Number(headers['webhook-timestamp']) * 1000 + 6 * 60_000);
    expect(verifyWebhook(SECRET, headers, body, sixMinutesLater)).toMatchObject({
      ok: false,
      code: 'webhook-timestamp-outside-window',
    });
    expect(verifyLikeTheDocs(SECRET, headers, body, sixMinutesLater.getTime() / 1000)).toBe(false);
  });

  it('signs with both secrets during a rotation, and a receiver with either one verifies', async () => {
    const hooks = await receiver();
    const current = webhookSecret(MASTER_KEY, 'sub-1', 2);
    const previous = webhookSecret(MASTER_KEY, 'sub-1', 1);
    const result = await sender().send(
      ALERT,
      { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
      { ...CONTEXT, secrets: [current, previous] },
    );
    expect(result.ok).toBe(true);
    const [{ headers, body }] = hooks.received as [(typeof hooks.received)[number]];
    expect(String(headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    for (const secret of [current, previous]) {
      expect(verifyWebhook(secret, headers, body, new Date()).ok).toBe(true);
      expect(verifyLikeTheDocs(secret, headers, body)).toBe(true);
    }
    const stranger = webhookSecret(MASTER_KEY, 'sub-2', 1);
    expect(verifyWebhook(stranger, headers, body, new Date()).ok).toBe(false);
    expect(verifyLikeTheDocs(stranger, headers, body)).toBe(false);
  });

  it('sends the digest as fristvagt.alert.digest', async () => {
    const hooks = await receiver();
    const digest: DigestAlert = {
      alertId: 'c0ffee00-aaaa-5bbb-8ccc-deadbeefcafe',
      kind: 'digest',
      municipality: '461',
      since: '2026-03-09T06:00:00.000Z',
      at: '2026-03-10T06:00:00.000Z',
      dueSoon: [],
      breached: [],
    };
    await sender().send(digest, { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` }, CONTEXT);
    expect(JSON.parse(hooks.received[0]!.body)).toMatchObject({
      type: 'fristvagt.alert.digest',
      data: digest,
    });
  });

  describe('the receiver’s answer', () => {
    /** What an untrusted receiver might send back: personal data in the body and in the reason phrase. */
    const answer =
      (status: number, headers: Record<string, string> = {}): Respond =>
      (_request, response) => {
        response.writeHead(status, 'CPR 010203-1234 Jens Hansen', {
          'content-type': 'text/plain',
          ...headers,
        });
        response.end('Sag om Jens Hansen, CPR 010203-1234: '.repeat(100));
      };

    it.each([
      [503, true, 'webhook-http-status: HTTP 503 Service Unavailable'],
      [500, true, 'webhook-http-status: HTTP 500 Internal Server Error'],
      [429, true, 'webhook-http-status: HTTP 429 Too Many Requests'],
      [408, true, 'webhook-http-status: HTTP 408 Request Timeout'],
      [400, false, 'webhook-http-status: HTTP 400 Bad Request'],
      [401, false, 'webhook-http-status: HTTP 401 Unauthorized'],
      [404, false, 'webhook-http-status: HTTP 404 Not Found'],
      [410, false, 'webhook-http-status: HTTP 410 Gone'],
    ])('%i is retryable: %s, reported as status and reason only', async (status, retryable, error) => {
      const hooks = await receiver(answer(status));
      const result = await sender().send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toEqual({ ok: false, retryable, status, error });
      expect(JSON.stringify(result)).not.toMatch(/Jens|Hansen|\d{6}-?\d{4}/);
    });

    it('a redirect is not followed and not retried', async () => {
      const elsewhere = await receiver();
      const hooks = await receiver(answer(307, { location: `http://127.0.0.1:${elsewhere.port}/moved` }));
      const result = await sender().send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toMatchObject({ ok: false, retryable: false, status: 307 });
      expect(!result.ok && result.error).toMatch(/^webhook-redirect: HTTP 307 Temporary Redirect/);
      expect(elsewhere.connections()).toBe(0);
    });

    it('a receiver that hangs up without answering is a retryable network error', async () => {
      const hooks = await receiver((request) => request.socket.destroy());
      const result = await sender().send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toEqual({ ok: false, retryable: true, error: 'webhook-network-error: ECONNRESET' });
    });

    it('a slow receiver times out, retryably', async () => {
      const hooks = await receiver(() => undefined);
      const started = Date.now();
      const result = await sender({ timeoutMs: 300 }).send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toEqual({
        ok: false,
        retryable: true,
        error: 'webhook-timeout: no response within 300 ms',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(hooks.received).toHaveLength(1);
    });

    it('a port nobody listens on is a retryable network error', async () => {
      const hooks = await receiver();
      const port = hooks.port;
      await hooks.close();
      receivers.splice(receivers.indexOf(hooks), 1);
      const result = await sender().send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${port}/` },
        CONTEXT,
      );
      expect(result).toEqual({ ok: false, retryable: true, error: 'webhook-network-error: ECONNREFUSED' });
    });
  });

  describe('destinations', () => {
    it.each([
      ['127.0.0.1 without ALERT_ALLOWED_NETWORKS', (port: number) => `http://127.0.0.1:${port}/`],
      ['localhost', (port: number) => `http://localhost:${port}/`],
      ['an IPv4-mapped loopback address', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`],
    ])('%s is refused before any connection is made, for good', async (_case, url) => {
      const hooks = await receiver();
      const result = await new WebhookSender({ allowHttp: true, allowedNetworks: [] }).send(
        ALERT,
        { kind: 'webhook', url: url(hooks.port) },
        CONTEXT,
      );
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(!result.ok && result.error).toMatch(
        /^webhook-destination-refused: must not reach a loopback address/,
      );
      expect(hooks.connections()).toBe(0);
    });

    it('a host name resolving to a refused address is refused before any connection', async () => {
      const hooks = await receiver();
      const dns = scriptedDns(['127.0.0.1']);
      const result = await new WebhookSender({ allowHttp: true, allowedNetworks: [], lookup: dns }).send(
        ALERT,
        { kind: 'webhook', url: `http://hooks.rebind.test:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(hooks.connections()).toBe(0);
    });

    it('connects to the address that was checked, not to what the name resolves to afterwards (DNS rebinding)', async () => {
      const hooks = await receiver();
      // First answer: the allowed receiver. Every later answer: another loopback address, refused by the policy
      // and where nothing listens, so a second resolution would show up as a refused or failed delivery.
      const dns = scriptedDns(['127.0.0.1'], ['127.0.0.2']);
      const result = await sender({ lookup: dns }).send(
        ALERT,
        { kind: 'webhook', url: `http://hooks.rebind.test:${hooks.port}/in` },
        CONTEXT,
      );
      expect(result).toEqual({ ok: true, status: 204 });
      expect(dns.calls).toBe(1);
      expect(hooks.received[0]!.headers.host).toBe(`hooks.rebind.test:${hooks.port}`);
      expect(verifyLikeTheDocs(SECRET, hooks.received[0]!.headers, hooks.received[0]!.body)).toBe(true);
    });

    it('over https, connects to the checked address with the host name as TLS server name and Host', async () => {
      const hooks = await receiver(undefined, { tls: true });
      const dns = scriptedDns(['127.0.0.1'], ['127.0.0.2']);
      const secure = new WebhookSender({
        allowHttp: false,
        allowedNetworks: [TLS_HOST],
        lookup: dns,
        extraCaCertificates: [TLS_CERTIFICATE],
      });
      const url = `https://${TLS_HOST}:${hooks.port}/hooks`;
      expect(await secure.send(ALERT, { kind: 'webhook', url }, CONTEXT)).toEqual({ ok: true, status: 204 });
      expect(hooks.received[0]).toMatchObject({
        servername: TLS_HOST,
        headers: { host: `${TLS_HOST}:${hooks.port}` },
      });
      expect(dns.calls).toBe(1);
    });

    it('over https, a certificate nobody vouches for is a retryable network error', async () => {
      const hooks = await receiver(undefined, { tls: true });
      const insecure = new WebhookSender({
        allowHttp: false,
        allowedNetworks: [TLS_HOST],
        lookup: scriptedDns(['127.0.0.1']),
      });
      const result = await insecure.send(
        ALERT,
        { kind: 'webhook', url: `https://${TLS_HOST}:${hooks.port}/` },
        CONTEXT,
      );
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(!result.ok && result.error).toMatch(/^webhook-network-error: [A-Z_]+$/);
      expect(hooks.received).toHaveLength(0);
    });

    it('sends nothing without a valid signing secret', async () => {
      const hooks = await receiver();
      const result = await sender().send(
        ALERT,
        { kind: 'webhook', url: `http://127.0.0.1:${hooks.port}/` },
        { ...CONTEXT, secrets: ['not-a-secret'] },
      );
      expect(result).toEqual({
        ok: false,
        retryable: false,
        error: 'webhook-secret-missing: no valid whsec_ signing secret for this subscription',
      });
      expect(hooks.connections()).toBe(0);
    });
  });
});
