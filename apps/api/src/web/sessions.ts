import type { Clock } from '@fristvagt/config';
import type { Logger } from '@fristvagt/logging';
import type { ApiKeyStore } from '../access/api-key-store';
import type { Principal } from '../access/principal';
import type { LiveSession, SessionAuthenticator, SessionPrincipal } from '../access/sessions';
import {
  clearedSessionCookie,
  csrfTokenFor,
  csrfTokenMatches,
  isSessionToken,
  newSessionSecrets,
  readCookie,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
  sessionCookie,
  sha256,
} from './session-cookie';
import type { SessionRow, SqlSessionStore } from './session-store';

export interface SessionOptions {
  /** SESSION_IDLE_TIMEOUT in ms. */
  readonly idleTimeoutMs: number;
  /** SESSION_MAX_AGE in ms. */
  readonly maxAgeMs: number;
  /** SESSION_COOKIE_SECURE: `Secure` and the `__Host-` name. */
  readonly secureCookies: boolean;
  /** Origins a cookie-authenticated request may come from besides its own (PUBLIC_URL's). */
  readonly trustedOrigins: readonly string[];
}

/** What the page learns about its session: who it is signed in as, until when, and its CSRF token. */
export interface SessionView {
  readonly keyId: string;
  readonly role: Principal['role'];
  readonly municipalities: readonly string[] | '*';
  /** For X-CSRF-Token on every call that changes something. */
  readonly csrfToken: string;
  /** ISO-8601 UTC: the absolute end (sign-in plus SESSION_MAX_AGE). */
  readonly expiresAt: string;
  /** ISO-8601 UTC: when it ends unless used before (never after expiresAt). */
  readonly idleExpiresAt: string;
}

/** A use is recorded at most this often, to spare writes: the idle timeout counts to the minute. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;
/** Ended sessions are deleted when someone signs in, at most this often per process. */
const PURGE_INTERVAL_MS = 10 * 60_000;

interface LiveRow {
  readonly row: SessionRow;
  readonly lastSeenAt: Date;
}

/**
 * Sessions of the web page: a supervisor, auditor or admin API key exchanged for a cookie. The cookie's value
 * is 32 random bytes, stored only as its SHA-256; a session is live until signed out, idle for
 * SESSION_IDLE_TIMEOUT, older than SESSION_MAX_AGE, or its API key is revoked (asked of the key store at every
 * use, which caches as it does for bearer keys). Time is the service's Clock. Decides nothing about routes:
 * the access guard does that with the principal it gets here.
 */
export class SessionService implements SessionAuthenticator {
  readonly cookieName: string;
  readonly trustedOrigins: readonly string[];
  private lastPurge: number | undefined;

  constructor(
    private readonly store: SqlSessionStore,
    private readonly keys: ApiKeyStore,
    private readonly clock: Clock,
    private readonly options: SessionOptions,
    private readonly logger: Logger,
  ) {
    this.cookieName = options.secureCookies ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
    this.trustedOrigins = options.trustedOrigins;
  }

  /** Starts a session for a verified key; ends `replacing` (the cookie the browser had) if there was one. */
  async start(principal: Principal, replacing?: string): Promise<{ token: string; view: SessionView }> {
    const now = this.clock.now();
    await this.purgeNowAndThen(now);
    if (replacing !== undefined) await this.store.revoke(sha256(replacing), now);
    const secrets = newSessionSecrets();
    const row: SessionRow = {
      tokenHash: secrets.tokenHash,
      keyId: principal.keyId,
      role: principal.role,
      municipalities: principal.municipalities,
      csrfTokenHash: secrets.csrfTokenHash,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.options.maxAgeMs),
      revokedAt: null,
    };
    await this.store.insert(row);
    this.logger.info(
      { audit: 'session-started', keyId: principal.keyId, role: principal.role, via: 'session' },
      'signed in to the web page',
    );
    return { token: secrets.token, view: this.view(secrets.token, row, now) };
  }

  async authenticate(token: string, options: { readonly touch: boolean }): Promise<LiveSession | undefined> {
    const live = await this.live(token, options.touch);
    if (live === undefined) return undefined;
    const { row } = live;
    const principal: SessionPrincipal = {
      keyId: row.keyId,
      role: row.role,
      municipalities: row.municipalities,
      via: 'session',
    };
    return { principal, csrfTokenMatches: (presented) => csrfTokenMatches(presented, row.csrfTokenHash) };
  }

  /** The page's view of a live session (a use: it slides the idle timeout); undefined when it has ended. */
  async describe(token: string): Promise<SessionView | undefined> {
    const live = await this.live(token, true);
    return live === undefined ? undefined : this.view(token, live.row, live.lastSeenAt);
  }

  /** Signs out: the session ends for every process at once. */
  async end(token: string): Promise<void> {
    const now = this.clock.now();
    const row = await this.store.find(sha256(token));
    if (row === undefined || row.revokedAt !== null) return;
    await this.store.revoke(row.tokenHash, now);
    this.logger.info(
      { audit: 'session-ended', keyId: row.keyId, via: 'session' },
      'signed out of the web page',
    );
  }

  sessionToken(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
    return readCookie(headers.cookie, this.cookieName);
  }

  cookie(token: string): string {
    return sessionCookie(this.cookieName, token, this.options.secureCookies);
  }

  clearedCookie(): string {
    return clearedSessionCookie(this.cookieName, this.options.secureCookies);
  }

  private async live(token: string, touch: boolean): Promise<LiveRow | undefined> {
    if (!isSessionToken(token)) return undefined;
    const row = await this.store.find(sha256(token));
    if (row === undefined || row.revokedAt !== null) return undefined;
    const now = this.clock.now();
    if (now >= row.expiresAt || now.getTime() >= row.lastSeenAt.getTime() + this.options.idleTimeoutMs) {
      return undefined;
    }
    const key = await this.keys.find(row.keyId);
    if (key === undefined || key.revokedAt !== null) {
      await this.store.revokeKey(row.keyId, now);
      return undefined;
    }
    if (touch && now.getTime() - row.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
      await this.store.touch(row.tokenHash, now);
      return { row, lastSeenAt: now };
    }
    return { row, lastSeenAt: row.lastSeenAt };
  }

  private view(token: string, row: SessionRow, lastSeenAt: Date): SessionView {
    const idleEnd = Math.min(lastSeenAt.getTime() + this.options.idleTimeoutMs, row.expiresAt.getTime());
    return {
      keyId: row.keyId,
      role: row.role,
      municipalities: row.municipalities,
      csrfToken: csrfTokenFor(token),
      expiresAt: row.expiresAt.toISOString(),
      idleExpiresAt: new Date(idleEnd).toISOString(),
    };
  }

  private async purgeNowAndThen(now: Date): Promise<void> {
    if (this.lastPurge !== undefined && now.getTime() - this.lastPurge < PURGE_INTERVAL_MS) return;
    this.lastPurge = now.getTime();
    try {
      const deleted = await this.store.purge(now, this.options.idleTimeoutMs);
      if (deleted > 0) this.logger.debug({ deleted }, 'deleted ended web sessions');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not delete ended web sessions');
    }
  }
}
