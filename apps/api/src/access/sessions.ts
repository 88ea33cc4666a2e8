import type { Principal } from './principal';

/** The principal of a web-page session: its key's id, role and municipalities. */
export type SessionPrincipal = Principal & { readonly via: 'session' };

/** A session of the web page that is live now, as the access guard sees it. */
export interface LiveSession {
  readonly principal: SessionPrincipal;
  /** Whether `token` (the X-CSRF-Token header) is this session's CSRF token, compared in constant time. */
  csrfTokenMatches(token: string | undefined): boolean;
}

/**
 * What the access guard needs of the web page's sessions (kept by apps/api/src/web): a port, so that the guard
 * depends on no storage. Without one (tests of the guard alone, the worker), only bearer keys are accepted.
 */
export interface SessionAuthenticator {
  /** The session cookie's value in these request headers; undefined without one. */
  sessionToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined;
  /**
   * The session the cookie names, if it is live: not signed out, within its idle timeout and maximum age, and
   * its API key not revoked. `touch` counts this as a use, which slides the idle timeout.
   */
  authenticate(token: string, options: { readonly touch: boolean }): Promise<LiveSession | undefined>;
  /** A Set-Cookie value that deletes the session cookie. */
  clearedCookie(): string;
  /**
   * Origins besides the request's own (scheme and Host) that a cookie-authenticated request may come from:
   * PUBLIC_URL's, for a service behind a proxy that terminates TLS.
   */
  readonly trustedOrigins: readonly string[];
}

/** Nest injection token for the SessionAuthenticator port. */
export const SESSION_AUTHENTICATOR = Symbol('SessionAuthenticator');

/** The header a cookie-authenticated request that changes state must carry (the session's CSRF token). */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * Checks again, at any later time, that the credential a request came with still holds: the API key is not
 * revoked, or the session is still live (without counting as a use). The alert stream calls it at every
 * heartbeat.
 */
export type CredentialCheck = () => Promise<boolean>;

/** The request property the access guard sets beside the principal. */
export const CREDENTIAL_CHECK_PROPERTY = 'credentialCheck';

/** The credential check the access guard left on the request. */
export function credentialCheckOf(request: object): CredentialCheck {
  const check = (request as Record<string, unknown>)[CREDENTIAL_CHECK_PROPERTY];
  if (typeof check !== 'function') {
    throw new Error('No credential check on the request: is the access guard installed?');
  }
  return check as CredentialCheck;
}

/**
 * Whether a request with this Origin header comes from the service's own page: no Origin (not a browser's
 * cross-origin request), or exactly the request's own origin (`protocol://Host`) or a trusted one. `null`
 * (sandboxed frames, some redirects) is never the page's.
 */
export function isOwnOrigin(
  origin: string | string[] | undefined,
  own: { readonly protocol: string; readonly host: string | undefined },
  trusted: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  const given = origin.trim().toLowerCase();
  if (own.host !== undefined && given === `${own.protocol}://${own.host}`.toLowerCase()) return true;
  return trusted.some((allowed) => allowed.toLowerCase() === given);
}
