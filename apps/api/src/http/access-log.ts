import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Logger, withLogContext } from '@fristvagt/logging';
import { PRINCIPAL_PROPERTY, type Principal } from '../access/principal';
import { CORRELATION_ID_HEADER, correlationIdFrom, REQUEST_ID_HEADER, requestIdFrom } from './trace-ids';

export { REQUEST_ID_HEADER } from './trace-ids';

/** The route of a request that matched none: its path may hold anything, a CPR number among them. */
export const NO_ROUTE = '(no route)';

/**
 * For Fastify's `genReqId`: the caller's X-Request-Id when it is a harmless token (trace-ids.ts), so a request
 * can be followed across systems, else a new UUID. The id is logged and stored in events, so never a CPR number.
 */
export function requestIdOf(request: IncomingMessage): string {
  return requestIdFrom(request.headers);
}

/** The route template a request matched (`/v1/cases/:caseId`), never its URL. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? NO_ROUTE;
}

/**
 * One line per request once its answer is sent: method, route template, status, duration, request and
 * correlation ids and the API key's id. Never the URL or query string (either may hold a CPR number), a body
 * or a credential. 5xx are logged at error, everything else at info. The request id is returned as
 * X-Request-Id and the correlation id (the caller's X-Correlation-Id when harmless, else the request id) as
 * X-Correlation-Id; every line logged while the request is handled carries both (libs/logging, log-context.ts).
 */
export function useAccessLog(app: NestFastifyApplication, logger: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  const started = new WeakMap<FastifyRequest, number>();
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    started.set(request, performance.now());
    const correlationId = correlationIdFrom(request.headers, request.id);
    void reply.header(REQUEST_ID_HEADER, request.id);
    void reply.header(CORRELATION_ID_HEADER, correlationId);
    // Everything after this hook runs inside the context; Fastify carries it across reading the body.
    withLogContext({ requestId: request.id, correlationId }, done);
  });
  const fieldsOf = (request: FastifyRequest, durationMs: number) => {
    const principal = (request as unknown as Record<string, Principal | undefined>)[PRINCIPAL_PROPERTY];
    return {
      method: request.method,
      route: routeOf(request),
      durationMs: Math.round(durationMs * 10) / 10,
      requestId: request.id,
      correlationId: correlationIdFrom(request.headers, request.id),
      ...(principal !== undefined && { keyId: principal.keyId }),
    };
  };
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const line = { ...fieldsOf(request, reply.elapsedTime), status: reply.statusCode };
    if (reply.statusCode >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
    done();
  });
  // The client's doing, not an error of the service: no status, since no answer was sent.
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) => {
    logger.info(
      {
        ...fieldsOf(request, performance.now() - (started.get(request) ?? performance.now())),
        code: 'client-aborted',
      },
      'request',
    );
    done();
  });
}
