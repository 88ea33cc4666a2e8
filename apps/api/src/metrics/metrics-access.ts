import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** Which listener a scrape came to: the HTTP port (PORT) or the metrics port (METRICS_PORT). */
export type MetricsListener = 'http-port' | 'metrics-port';

/** What the access decision looks at; never logged. */
export interface ScrapeRequest {
  readonly authorization: string | undefined;
  /** The TCP peer (the socket's remote address), never a forwarded-for header. */
  readonly remoteAddress: string | undefined;
  /** Whether the request names a client behind a proxy (Forwarded, X-Forwarded-For, X-Real-IP). */
  readonly forwarded: boolean;
}

export type MetricsAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: 'metrics-unauthorized'; readonly detail: string };

/**
 * Who may read /metrics. With METRICS_TOKEN, whoever sends it as a bearer token, on either listener. Without
 * it: on the metrics port anyone who can reach it (keep that port off public networks), on the HTTP port only
 * a caller on the loopback address that no proxy forwarded (a proxy on the same host makes every client
 * look local), which is what `npm start` on a workstation needs and nothing more.
 */
export function metricsAccess(
  token: string | undefined,
  listener: MetricsListener,
  request: ScrapeRequest,
): MetricsAccess {
  if (token !== undefined) {
    const sent = /^Bearer +(\S+)\s*$/i.exec(request.authorization ?? '')?.[1];
    if (sent !== undefined && sameSecret(sent, token)) return { allowed: true };
    return refuse('This needs the metrics token (METRICS_TOKEN): send it as Authorization: Bearer <token>.');
  }
  if (listener === 'metrics-port') return { allowed: true };
  if (!request.forwarded && isLoopback(request.remoteAddress)) return { allowed: true };
  return refuse(
    'Without METRICS_TOKEN, /metrics on this port answers the loopback address only; set METRICS_TOKEN, or ' +
      'METRICS_PORT for a port of its own.',
  );
}

/** Whether any header says the request came through a proxy, for whatever client. */
export function isForwarded(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return ['forwarded', 'x-forwarded-for', 'x-real-ip'].some((name) => headers[name] !== undefined);
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** Compares digests, so neither the length nor a prefix of the token can be timed. */
function sameSecret(sent: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

function refuse(detail: string): MetricsAccess {
  return { allowed: false, code: 'metrics-unauthorized', detail };
}
