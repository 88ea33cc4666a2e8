import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * API keys are bearer tokens `fv_<keyId>_<secret>`: the key id (12 letters and digits) is public, names
 * the key in logs, events and the CLI, and is the events' `actor`; the secret (32 random bytes, base64url)
 * is shown once and stored only as its SHA-256. A fast hash is enough because the secret has 256 bits of
 * entropy: there is nothing to guess, so nothing for a slow hash to slow down.
 */
export const API_KEY_PREFIX = 'fv_';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_ID_LENGTH = 12;
const SECRET_BYTES = 32;
// The key id's alphabet has no '_', so the first '_' after the prefix ends it even though the base64url
// secret may contain '_' itself.
const TOKEN = /^fv_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[A-Za-z0-9]{12}$/;

export interface ApiKeyToken {
  readonly keyId: string;
  readonly secret: string;
}

export interface GeneratedApiKey extends ApiKeyToken {
  /** The whole bearer token; show it once, never store or log it. */
  readonly token: string;
  readonly secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  let keyId = '';
  for (let i = 0; i < KEY_ID_LENGTH; i++) keyId += KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)];
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return {
    keyId,
    secret,
    token: `${API_KEY_PREFIX}${keyId}_${secret}`,
    secretHash: hashApiKeySecret(secret),
  };
}

/** The key id and secret of a well-formed token; undefined for anything else. */
export function parseApiKeyToken(token: string): ApiKeyToken | undefined {
  const match = typeof token === 'string' ? TOKEN.exec(token) : null;
  return match === null ? undefined : { keyId: match[1]!, secret: match[2]! };
}

export function isApiKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/** SHA-256 of the secret, base64url. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares the secret's hash with the stored one in constant time. */
export function apiKeySecretMatches(secret: string, secretHash: string): boolean {
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  const expected = Buffer.from(secretHash, 'base64url');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
