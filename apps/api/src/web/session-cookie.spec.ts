import { isOwnOrigin } from '../access/sessions';
import {
  clearedSessionCookie,
  csrfTokenFor,
  csrfTokenMatches,
  newSessionSecrets,
  readCookie,
  sessionCookie,
  sha256,
} from './session-cookie';

describe('session secrets', () => {
  it('are 32 random bytes for the cookie, stored as hashes, with a CSRF token derived from the cookie', () => {
    const a = newSessionSecrets();
    const b = newSessionSecrets();

    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.tokenHash).toBe(sha256(a.token));
    expect(a.csrfToken).toBe(csrfTokenFor(a.token));
    expect(a.csrfToken).not.toBe(a.token);
    expect(a.csrfTokenHash).toBe(sha256(a.csrfToken));
  });

  it('match a CSRF token against its hash only when it is the same token', () => {
    const { csrfToken, csrfTokenHash } = newSessionSecrets();

    expect(csrfTokenMatches(csrfToken, csrfTokenHash)).toBe(true);
    expect(csrfTokenMatches(newSessionSecrets().csrfToken, csrfTokenHash)).toBe(false);
    expect(csrfTokenMatches(undefined, csrfTokenHash)).toBe(false);
    expect(csrfTokenMatches('', csrfTokenHash)).toBe(false);
    expect(csrfTokenMatches('x'.repeat(10_000), csrfTokenHash)).toBe(false);
  });
});

describe('the session cookie', () => {
  const token = newSessionSecrets().token;

  it('is HttpOnly, SameSite=Strict on Path=/, Secure only when asked', () => {
    expect(sessionCookie('fristvagt_session', token, false)).toBe(
      `fristvagt_session=${token}; Path=/; HttpOnly; SameSite=Strict`,
    );
    expect(sessionCookie('__Host-fristvagt_session', token, true)).toBe(
      `__Host-fristvagt_session=${token}; Path=/; HttpOnly; SameSite=Strict; Secure`,
    );
    expect(clearedSessionCookie('fristvagt_session', false)).toMatch(
      /^fristvagt_session=; Path=\/; Max-Age=0;/,
    );
  });

  it('is read by exact name among other cookies, and only when well-formed', () => {
    expect(readCookie(`theme=dark; fristvagt_session=${token}; lang=da`, 'fristvagt_session')).toBe(token);
    expect(readCookie(`__Host-fristvagt_session=${token}`, 'fristvagt_session')).toBeUndefined();
    expect(readCookie(`fristvagt_session=${token}`, '__Host-fristvagt_session')).toBeUndefined();
    expect(readCookie('fristvagt_session=short', 'fristvagt_session')).toBeUndefined();
    expect(readCookie(`fristvagt_session=junk; fristvagt_session=${token}`, 'fristvagt_session')).toBe(token);
    expect(readCookie(undefined, 'fristvagt_session')).toBeUndefined();
  });
});

describe('isOwnOrigin', () => {
  const own = { protocol: 'http', host: '127.0.0.1:3000' };

  it('accepts no Origin, the request’s own, and a trusted one', () => {
    expect(isOwnOrigin(undefined, own, [])).toBe(true);
    expect(isOwnOrigin('http://127.0.0.1:3000', own, [])).toBe(true);
    expect(isOwnOrigin('https://fristvagt.kommune.dk', own, ['https://fristvagt.kommune.dk'])).toBe(true);
  });

  it('refuses another scheme, host or port, null, and a repeated header', () => {
    expect(isOwnOrigin('https://127.0.0.1:3000', own, [])).toBe(false);
    expect(isOwnOrigin('http://127.0.0.1:3001', own, [])).toBe(false);
    expect(isOwnOrigin('http://evil.example', own, [])).toBe(false);
    expect(isOwnOrigin('null', own, [])).toBe(false);
    expect(isOwnOrigin(['http://127.0.0.1:3000', 'http://evil.example'], own, [])).toBe(false);
    expect(isOwnOrigin('http://127.0.0.1:3000', { protocol: 'http', host: undefined }, [])).toBe(false);
  });
});
