import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { containsCprNumber } from '@fristvagt/domain';
import type { Logger } from '@fristvagt/logging';
import { PRINCIPAL_PROPERTY, type Principal } from '../access/principal';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The route of a request that matched none: its path may hold anything, a CPR number among them. */
export const NO_ROUTE = '(no route)';

// A harmless token: short, and nothing a log reader or a proxy would need to escape.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * For Fastify's `genReqId`: the caller's X-Request-Id when it is a harmless token, so a request can be
 * followed across systems, else a new UUID. The id is logged and stored in events, so never a CPR number.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER.toLowerCase()];
  return typeof given === 'string' && REQUEST_ID.test(given) && !containsCprNumber(given)
    ? given
    : randomUUID();
}

/** The route template a request matched (`/v1/cases/:caseId`), never its URL. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? NO_ROUTE;
}

/**
 * One line per request once its answer is sent: method, route template, status, duration, request id and
 * the API key's id. Never the URL or query string (either may hold a CPR number), a body or a credential.
 * 5xx are logged at error, everything else at info. The request id is returned as X-Request-Id.
 */
export function useAccessLog(app: NestFastifyApplication, logger: Logger): void {
  const fastify = app.getHttpAdapter().getInstance();
  const started = new WeakMap<FastifyRequest, number>();
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    started.set(request, performance.now());
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  const fieldsOf = (request: FastifyRequest, durationMs: number) => {
    const principal = (request as unknown as Record<string, Principal | undefined>)[PRINCIPAL_PROPERTY];
    return {
      method: request.method,
      route: routeOf(request),
      durationMs: Math.round(durationMs * 10) / 10,
      requestId: request.id,
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
