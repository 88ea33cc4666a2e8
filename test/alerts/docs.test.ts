import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { verifyWebhook, webhookSecret, WebhookSender } from '@fristvagt/alerts';
import { type Receiver, startReceiver } from './receivers';

/** docs/alerts.md promises a receiver can verify with its snippet, and shows a request that verifies: both are run. */
const DOCS = readFileSync(join(__dirname, '..', '..', 'docs', 'alerts.md'), 'utf8');

function block(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(DOCS);
  if (match === null) throw new Error(`docs/alerts.md has no ${language} block`);
  return match[1]!;
}

type Verify = (secret: string, headers: IncomingHttpHeaders, rawBody: string, nowSeconds?: number) => boolean;

describe('docs/alerts.md', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
  });

  it('the receiver snippet verifies a real request and refuses a tampered one', async () => {
    const verify = runInNewContext(`${block('js')}\nverifyFristvagtWebhook`, { require, Buffer }) as Verify;
    receiver = await startReceiver();
    const secret = webhookSecret(randomBytes(32), 'sub-docs', 1);
    const result = await new WebhookSender({ allowHttp: true, allowedNetworks: ['127.0.0.1'] }).send(
      {
        alertId: 'a1b2c3d4-e5f6-5a7b-8c9d-aebfc0d1e2f3',
        kind: 'digest',
        municipality: '461',
        since: '2026-03-09T06:00:00.000Z',
        at: '2026-03-10T06:00:00.000Z',
        dueSoon: [],
        breached: [],
      },
      { kind: 'webhook', url: `http://127.0.0.1:${receiver.port}/` },
      { subscriptionId: 'sub-docs', attempt: 1, secrets: [secret] },
    );
    expect(result.ok).toBe(true);
    const [{ headers, body }] = receiver.received as [(typeof receiver.received)[number]];
    expect(verify(secret, headers, body)).toBe(true);
    expect(verify(secret, headers, body.replace('461', '101'))).toBe(false);
    expect(verify(secret, headers, body, Date.now() / 1000 + 301)).toBe(false);
  });

  it('the example request verifies with the example secret', () => {
    const headers = Object.fromEntries(
      [...block('http').matchAll(/^(webhook-[a-z]+): (.*)$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    const body = JSON.stringify(JSON.parse(block('json')));
    const secret = /example secret `(whsec_[A-Za-z0-9+/=]+)`/.exec(DOCS)![1]!;
    const signedAt = new Date(Number(headers['webhook-timestamp']) * 1000);
    expect(verifyWebhook(secret, headers, body, signedAt)).toMatchObject({ ok: true });
    expect(JSON.parse(body).data.alertId).toBe(headers['webhook-id']);
  });
});
