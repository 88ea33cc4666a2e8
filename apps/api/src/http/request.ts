import { randomUUID } from 'node:crypto';
import { containsCprNumber } from '@fristvagt/domain';

/** The parts of the HTTP request and reply (Fastify's, or Express's) the command edges use. */
export interface HttpRequest {
  /** Fastify's request id (see access-log.ts), from a harmless X-Request-Id or new. */
  readonly id?: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: unknown;
}
export interface HttpResponse {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** One header's value, undefined when absent; a header sent twice is joined with commas, as HTTP says. */
export function headerOf(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of the access log (access-log.ts), so a log line and the events of its request meet; else
 * the caller's X-Request-Id when it is a harmless token. It is stored in every event, so never a CPR number.
 */
export function correlationId(request: HttpRequest): string {
  if (request.id !== undefined) return request.id;
  const given = headerOf(request, 'x-request-id');
  return given !== undefined && REQUEST_ID.test(given) && !containsCprNumber(given) ? given : randomUUID();
}
