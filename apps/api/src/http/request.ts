import { correlationIdFrom, requestIdFrom } from './trace-ids';

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

/**
 * The correlation id of the work this request starts, stored in the metadata of every event it appends: the
 * caller's X-Correlation-Id when it is a harmless token (trace-ids.ts), else the request id of the access log
 * (access-log.ts), so a log line and the events of its request meet. Never a CPR number.
 */
export function correlationId(request: HttpRequest): string {
  return correlationIdFrom(request.headers, requestId(request));
}

/** The access log's request id (Fastify's, from a harmless X-Request-Id or new). */
export function requestId(request: HttpRequest): string {
  return request.id ?? requestIdFrom(request.headers);
}
