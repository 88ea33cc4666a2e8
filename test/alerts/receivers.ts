import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as it came over the wire: what a receiver must verify. */
  readonly body: string;
  /** The TLS server name (SNI) the client asked for, on https. */
  readonly servername?: string | false | null;
}

export type Respond = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** A webhook receiver on 127.0.0.1 (port 0) that records every request and counts every TCP connection. */
export interface Receiver {
  readonly port: number;
  readonly received: ReceivedRequest[];
  connections(): number;
  close(): Promise<void>;
}

const FIXTURES = join(__dirname, 'fixtures');
/** A self-signed certificate for hooks.fristvagt.test, valid until 2126, made for these tests only. */
export const TLS_HOST = 'hooks.fristvagt.test';
export const TLS_CERTIFICATE = readFileSync(join(FIXTURES, 'test-only-receiver.crt'), 'utf8');
const TLS_KEY = readFileSync(join(FIXTURES, 'test-only-receiver.key'), 'utf8');

const ok: Respond = (_request, response) => {
  response.writeHead(204).end();
};

export async function startReceiver(
  respond: Respond = ok,
  options: { tls?: boolean } = {},
): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  let connections = 0;
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        ...(options.tls === true && { servername: (request.socket as TLSSocket).servername }),
      });
      respond(request, response, body);
    });
  };
  const server: Server =
    options.tls === true
      ? createHttpsServer({ key: TLS_KEY, cert: TLS_CERTIFICATE }, handler)
      : createServer(handler);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * How a receiver verifies a Fristvagt webhook without any library: the snippet in docs/alerts.md, written out
 * again here so the sender is checked against an implementation that shares no code with it.
 */
export function verifyLikeTheDocs(
  secret: string,
  headers: IncomingHttpHeaders,
  rawBody: string,
  nowSeconds = Date.now() / 1000,
): boolean {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false; // replay window: 5 minutes
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const candidate = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && candidate.length === expected.length && timingSafeEqual(candidate, expected);
    });
}
