import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures the Standard Webhooks way (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, sent as `v1,<base64>`, one per valid secret and separated by
 * spaces, so a receiver in the middle of a rotation accepts either secret.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The replay window a receiver should allow either side of its own clock. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** The Standard Webhooks recommendation for a secret's size. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** The key of a `whsec_<base64>` secret, or undefined when the text is not one (wrong prefix, not base64, size). */
export function webhookSecretKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_SECRET_BYTES && key.length <= MAX_SECRET_BYTES ? key : undefined;
}

/** The `webhook-signature` header value: `v1,<base64>` for every valid secret, in the order given. */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  return secrets
    .map(webhookSecretKey)
    .filter((key): key is Buffer => key !== undefined)
    .map((key) => `v1,${signature(key, id, timestampSeconds, body).toString('base64')}`)
    .join(' ');
}

export type WebhookVerificationCode =
  | 'webhook-secret-invalid'
  | 'webhook-headers-missing'
  | 'webhook-timestamp-invalid'
  | 'webhook-timestamp-outside-window'
  | 'webhook-signature-invalid';

export type WebhookVerification =
  | { readonly ok: true; readonly id: string; readonly timestamp: Date }
  | { readonly ok: false; readonly code: WebhookVerificationCode; readonly message: string };

export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The receiver's check, for the tests and the docs: the three headers are present, the timestamp is within
 * `toleranceSeconds` of `now` (either way: a replayed or a post-dated message is refused) and one of the
 * `v1` signatures matches the raw body as received. `secret` is the `whsec_…` text (the prefix is optional).
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string | Buffer,
  now: Date,
  toleranceSeconds: number = DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
): WebhookVerification {
  const key = webhookSecretKey(
    secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret : WEBHOOK_SECRET_PREFIX + secret,
  );
  if (key === undefined) {
    return failed('webhook-secret-invalid', 'the secret is not whsec_ followed by 24 to 64 bytes of base64');
  }
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestampText === undefined || signatures === undefined) {
    return failed(
      'webhook-headers-missing',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!/^\d{1,12}$/.test(timestampText)) {
    return failed('webhook-timestamp-invalid', 'webhook-timestamp must be whole seconds since 1970');
  }
  const timestamp = Number(timestampText);
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    return failed(
      'webhook-timestamp-outside-window',
      `webhook-timestamp is more than ${toleranceSeconds} s from now: a replay, or a clock out of step`,
    );
  }
  const expected = signature(key, id, timestamp, body);
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const candidate = Buffer.from(value, 'base64');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
  return matches
    ? { ok: true, id, timestamp: new Date(timestamp * 1000) }
    : failed('webhook-signature-invalid', 'no v1 signature matches the body with this secret');
}

function signature(key: Buffer, id: string, timestampSeconds: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest();
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  const text = typeof value === 'string' ? value : value?.[0];
  return text === undefined || text === '' ? undefined : text;
}

function failed(code: WebhookVerificationCode, message: string): WebhookVerification {
  return { ok: false, code, message };
}
