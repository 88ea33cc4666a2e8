import { isForwarded, metricsAccess, type ScrapeRequest } from './metrics-access';

const TOKEN = 'metrics-token-0123456789abcdef';
const local: ScrapeRequest = { authorization: undefined, remoteAddress: '127.0.0.1', forwarded: false };
const remote: ScrapeRequest = { authorization: undefined, remoteAddress: '10.0.0.7', forwarded: false };

describe('metricsAccess', () => {
  it('without METRICS_TOKEN lets in loopback callers on the HTTP port, and nobody else', () => {
    expect(metricsAccess(undefined, 'http-port', local).allowed).toBe(true);
    expect(metricsAccess(undefined, 'http-port', { ...local, remoteAddress: '::1' }).allowed).toBe(true);
    expect(
      metricsAccess(undefined, 'http-port', { ...local, remoteAddress: '::ffff:127.0.0.1' }).allowed,
    ).toBe(true);
    expect(metricsAccess(undefined, 'http-port', remote)).toMatchObject({
      allowed: false,
      code: 'metrics-unauthorized',
    });
    expect(metricsAccess(undefined, 'http-port', { ...local, remoteAddress: undefined }).allowed).toBe(false);
    // A proxy on the same host makes every client look local.
    expect(metricsAccess(undefined, 'http-port', { ...local, forwarded: true }).allowed).toBe(false);
  });

  it('without METRICS_TOKEN lets anyone who reaches the metrics port in', () => {
    expect(metricsAccess(undefined, 'metrics-port', remote).allowed).toBe(true);
  });

  it('with METRICS_TOKEN needs that bearer token on either port, from loopback too', () => {
    for (const listener of ['http-port', 'metrics-port'] as const) {
      expect(metricsAccess(TOKEN, listener, { ...remote, authorization: `Bearer ${TOKEN}` }).allowed).toBe(
        true,
      );
      expect(metricsAccess(TOKEN, listener, { ...remote, authorization: `bearer ${TOKEN}` }).allowed).toBe(
        true,
      );
      expect(metricsAccess(TOKEN, listener, local).allowed).toBe(false);
      expect(metricsAccess(TOKEN, listener, { ...local, authorization: `Bearer ${TOKEN}x` }).allowed).toBe(
        false,
      );
      expect(metricsAccess(TOKEN, listener, { ...local, authorization: TOKEN }).allowed).toBe(false);
    }
  });
});

describe('isForwarded', () => {
  it('sees any of the proxy headers', () => {
    expect(isForwarded({ 'x-forwarded-for': '203.0.113.9' })).toBe(true);
    expect(isForwarded({ forwarded: 'for=203.0.113.9' })).toBe(true);
    expect(isForwarded({ 'x-real-ip': '203.0.113.9' })).toBe(true);
    expect(isForwarded({ host: 'localhost' })).toBe(false);
  });
});
