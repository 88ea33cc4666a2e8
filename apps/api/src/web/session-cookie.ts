import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The session cookie's name; `__Host-` when Secure, so that no other host or path can set or shadow it. */
export const SESSION_COOKIE = 'fristvagt_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

const TOKEN_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionSecrets {
  /** The cookie's value: 32 random bytes, base64url. Only its hash is stored. */
  readonly token: string;
  readonly tokenHash: string;
  readonly csrfToken: string;
  readonly csrfTokenHash: string;
}

export function newSessionSecrets(): SessionSecrets {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const csrfToken = csrfTokenFor(token);
  return { token, tokenHash: sha256(token), csrfToken, csrfTokenHash: sha256(csrfToken) };
}

export function isSessionToken(value: string): boolean {
  return TOKEN.test(value);
}

/** SHA-256, base64url: how session tokens and CSRF tokens are stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * The CSRF token of a session, derived from its cookie (HMAC-SHA256 keyed with the cookie's value): the server
 * can give it to the page again on `GET /v1/session` without storing it, and it reveals nothing of the cookie.
 */
export function csrfTokenFor(token: string): string {
  return createHmac('sha256', token).update('fristvagt-csrf-token', 'utf8').digest('base64url');
}

/** Compares a presented CSRF token with the stored hash in constant time. */
export function csrfTokenMatches(presented: string | undefined, storedHash: string): boolean {
  if (presented === undefined || presented.length === 0 || presented.length > 200) return false;
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  const expected = Buffer.from(storedHash, 'base64url');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

/** The first well-formed value of the cookie `name` in a Cookie header (RFC 6265 syntax). */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (text === undefined) return undefined;
  for (const pair of text.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (isSessionToken(value)) return value;
  }
  return undefined;
}

/**
 * Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * Path=/ and, when `secure`, Secure. No Max-Age: it goes when the browser closes, and the server ends it
 * earlier by its idle timeout and maximum age.
 */
export function sessionCookie(name: string, token: string, secure: boolean): string {
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that deletes the session cookie. */
export function clearedSessionCookie(name: string, secure: boolean): string {
  return `${name}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
