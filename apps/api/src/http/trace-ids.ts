import { randomUUID } from 'node:crypto';
import { containsCprNumber } from '@fristvagt/domain';

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A harmless token: nothing a log reader, a proxy or a header needs to escape. */
const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** UUIDs are ids whatever their digits read like, as the logger's redaction and the CPR scan treat them. */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * A caller's X-Request-Id or X-Correlation-Id when it may be logged, stored in events and sent back: one value
 * of 1-128 characters of `A-Z a-z 0-9 . _ : -` holding no CPR number in any written form. Anything else
 * (absent, repeated, too long, other characters, a CPR number) is undefined, and the caller's value is never
 * echoed then.
 */
export function safeTraceId(value: string | readonly string[] | undefined): string | undefined {
  if (typeof value !== 'string' || !TRACE_ID.test(value)) return undefined;
  return containsCprNumber(value.replace(UUID, 'uuid')) ? undefined : value;
}

/** The request's id: the caller's X-Request-Id when it is safe, else a new UUID. */
export function requestIdFrom(headers: Headers): string {
  return safeTraceId(headers[REQUEST_ID_HEADER.toLowerCase()]) ?? randomUUID();
}

/** The correlation id of the work a request starts: the caller's X-Correlation-Id when it is safe, else the request id. */
export function correlationIdFrom(headers: Headers, requestId: string): string {
  return safeTraceId(headers[CORRELATION_ID_HEADER.toLowerCase()]) ?? requestId;
}
