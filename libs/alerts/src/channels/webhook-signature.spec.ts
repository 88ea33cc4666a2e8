import { randomBytes } from 'node:crypto';
import { signWebhook, verifyWebhook, webhookSecretKey } from './webhook-signature';

/** The Standard Webhooks specification's published test vector: matching it is interoperability. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_VECTOR = new Date(VECTOR.timestamp * 1000);

function headers(signature = VECTOR.signature, timestamp = String(VECTOR.timestamp), id = VECTOR.id) {
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

const secret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification test vector', () => {
    expect(signWebhook([VECTOR.secret], VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(verifyWebhook(VECTOR.secret, headers(), VECTOR.body, AT_VECTOR)).toEqual({
      ok: true,
      id: VECTOR.id,
      timestamp: AT_VECTOR,
    });
  });

  it('signs the raw bytes: a Buffer body and the same text sign alike', () => {
    const body = '{"data":"Netværkssamråd"}';
    const [a, b] = [secret(), secret()];
    expect(signWebhook([a, b], 'id', 1, Buffer.from(body))).toBe(signWebhook([a, b], 'id', 1, body));
  });

  it('carries one signature per valid secret during a rotation, and each secret verifies alone', () => {
    const [current, previous] = [secret(), secret()];
    const signature = signWebhook([current, previous], VECTOR.id, VECTOR.timestamp, VECTOR.body);
    expect(signature.split(' ')).toHaveLength(2);
    for (const key of [current, previous]) {
      expect(verifyWebhook(key, headers(signature), VECTOR.body, AT_VECTOR).ok).toBe(true);
    }
    expect(verifyWebhook(secret(), headers(signature), VECTOR.body, AT_VECTOR)).toMatchObject({
      ok: false,
      code: 'webhook-signature-invalid',
    });
  });

  it('skips secrets that are not whsec_ with 24 to 64 bytes of base64', () => {
    const good = secret();
    const signature = signWebhook(
      [good, 'not-a-secret', 'whsec_', 'whsec_@@@@', `whsec_${randomBytes(16).toString('base64')}`],
      'id',
      1,
      '{}',
    );
    expect(signature).toBe(signWebhook([good], 'id', 1, '{}'));
    expect(webhookSecretKey(`whsec_${randomBytes(65).toString('base64')}`)).toBeUndefined();
    expect(webhookSecretKey(`whsec_${randomBytes(64).toString('base64')}`)).toHaveLength(64);
  });

  describe('verifyWebhook refuses', () => {
    it.each([
      ['a timestamp older than the window', VECTOR.timestamp - 301, 'webhook-timestamp-outside-window'],
      ['a timestamp later than the window', VECTOR.timestamp + 301, 'webhook-timestamp-outside-window'],
    ])('%s', (_case, signedAt, code) => {
      const signature = signWebhook([VECTOR.secret], VECTOR.id, signedAt, VECTOR.body);
      expect(
        verifyWebhook(VECTOR.secret, headers(signature, String(signedAt)), VECTOR.body, AT_VECTOR),
      ).toMatchObject({ ok: false, code });
    });

    it('nothing at the edge of the window, and honours another tolerance', () => {
      const signedAt = VECTOR.timestamp - 300;
      const signature = signWebhook([VECTOR.secret], VECTOR.id, signedAt, VECTOR.body);
      const replay = headers(signature, String(signedAt));
      expect(verifyWebhook(VECTOR.secret, replay, VECTOR.body, AT_VECTOR).ok).toBe(true);
      expect(verifyWebhook(VECTOR.secret, replay, VECTOR.body, AT_VECTOR, 60)).toMatchObject({
        code: 'webhook-timestamp-outside-window',
      });
    });

    it.each([
      ['a changed body', headers(), '{"test": 2432232315}', 'webhook-signature-invalid'],
      [
        'a changed id',
        headers(VECTOR.signature, String(VECTOR.timestamp), 'msg_other'),
        VECTOR.body,
        'webhook-signature-invalid',
      ],
      [
        'a changed timestamp',
        headers(VECTOR.signature, String(VECTOR.timestamp + 1)),
        VECTOR.body,
        'webhook-signature-invalid',
      ],
      [
        'another version',
        headers(VECTOR.signature.replace('v1,', 'v1a,')),
        VECTOR.body,
        'webhook-signature-invalid',
      ],
      [
        'a truncated signature',
        headers(VECTOR.signature.slice(0, -4)),
        VECTOR.body,
        'webhook-signature-invalid',
      ],
      [
        'a timestamp that is not seconds',
        headers(VECTOR.signature, '1614265330.5'),
        VECTOR.body,
        'webhook-timestamp-invalid',
      ],
      [
        'a missing signature',
        { 'webhook-id': VECTOR.id, 'webhook-timestamp': '1614265330' },
        VECTOR.body,
        'webhook-headers-missing',
      ],
    ])('%s', (_case, given, body, code) => {
      expect(verifyWebhook(VECTOR.secret, given, body, AT_VECTOR)).toMatchObject({ ok: false, code });
    });

    it('a secret that is not one', () => {
      expect(verifyWebhook('whsec_short', headers(), VECTOR.body, AT_VECTOR)).toMatchObject({
        ok: false,
        code: 'webhook-secret-invalid',
      });
    });
  });

  it('reads headers whatever their case, and accepts the secret without its prefix', () => {
    const upper = {
      'Webhook-Id': VECTOR.id,
      'Webhook-Timestamp': String(VECTOR.timestamp),
      'Webhook-Signature': [`v1,${'A'.repeat(44)} ${VECTOR.signature}`],
    };
    expect(verifyWebhook(VECTOR.secret.slice('whsec_'.length), upper, VECTOR.body, AT_VECTOR).ok).toBe(true);
  });
});
