import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  DuplicateEventIdConflict,
  EventStoreError,
  InvalidAppend,
  StreamNotFound,
  WrongExpectedRevision,
} from '@fristvagt/event-store';
import { QueueWaitTimeout } from '@fristvagt/case-commands';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { ReadModelNotReady } from '@fristvagt/projections';
import { isClientAbort } from './client-errors';
import { fastifyProblem } from './json-bodies';
import { type InputError, problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem';

/** A read model being (re)built is a matter of time: the Retry-After of its 503. */
export const READ_MODEL_RETRY_AFTER_SECONDS = 5;

/**
 * The one error mapper: every error that leaves a controller becomes `application/problem+json`.
 * An HttpException keeps its status; throw `new HttpException({ code, detail }, status)` for a stable
 * code. A read model that is not built yet is a 503 with Retry-After. Errors the mapper does not know are
 * 500s whose detail reveals nothing; they are logged instead.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<RoutedRequest>();
    // The client hung up: the access log says so (code client-aborted), and there is no one to answer.
    if (isClientAbort(exception, request)) return;
    const body = this.toProblem(exception);
    if (exception instanceof ReadModelNotReady) {
      // Expected while a read model is (re)built, which /health reports: no stack trace.
      this.logger.warn({ method: request.method, code: body.code }, exception.message);
    } else if (body.status >= 500) {
      // The route template, never the URL: a path or query may hold a CPR number in any written form.
      this.logger.error(
        { err: exception, method: request.method, route: routeTemplate(request), code: body.code },
        'request failed',
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = http.getResponse();
    if (adapter.isHeadersSent(response)) return;
    adapter.setHeader(response, 'Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    if (exception instanceof ReadModelNotReady) {
      adapter.setHeader(response, 'Retry-After', String(READ_MODEL_RETRY_AFTER_SECONDS));
    }
    if (exception instanceof QueueWaitTimeout) adapter.setHeader(response, 'Retry-After', '1');
    // A string body keeps the content type set above (an object would be sent as application/json).
    adapter.reply(response, JSON.stringify(body), body.status);
  }

  private toProblem(exception: unknown): Problem {
    if (isRouteMiss(exception)) {
      return problem({
        status: HttpStatus.NOT_FOUND,
        code: 'route-not-found',
        detail: 'No route of this API matches the method and path.',
      });
    }
    const refused = fastifyProblem(exception);
    if (refused !== undefined) return fromHttpException(refused);
    if (exception instanceof HttpException) return fromHttpException(exception);
    const stored = exception instanceof EventStoreError ? fromEventStoreError(exception) : undefined;
    if (stored !== undefined) return stored;
    if (exception instanceof QueueWaitTimeout) {
      // A writer other than a case command (a subscription, a delivery, a municipality's settings) whose stream
      // stayed busy: as a case command's `case-busy`, nothing was appended and a retry is safe.
      return problem({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'stream-busy',
        detail:
          'The writes before this one on the same record did not finish in time; nothing was written, try again.',
      });
    }
    if (exception instanceof ReadModelNotReady) {
      return problem({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code: exception.code,
        detail: `${exception.message}; try again in ${READ_MODEL_RETRY_AFTER_SECONDS} s.`,
      });
    }
    return problem({
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal-error',
      detail: 'An unexpected error occurred. It has been logged.',
    });
  }
}

/** The request as Fastify (routeOptions) or Express (route) describes the route it matched. */
interface RoutedRequest {
  readonly id?: string;
  readonly method?: string;
  readonly raw?: { readonly destroyed?: boolean };
  readonly routeOptions?: { readonly url?: string };
  readonly route?: { readonly path?: string };
}

function routeTemplate(request: RoutedRequest): string | undefined {
  return request.routeOptions?.url ?? request.route?.path;
}

/**
 * Nest's answer to a request no route matches, `NotFoundException('Cannot GET /v1/persons/…')`: it quotes
 * the path and the query, which may hold a CPR number, so it is answered as `route-not-found` without them.
 * Every 404 of our own carries a `code`.
 */
function isRouteMiss(exception: unknown): boolean {
  if (!(exception instanceof NotFoundException)) return false;
  const response = exception.getResponse();
  if (typeof response !== 'object' || response === null || 'code' in response) return false;
  const { message } = response as { message?: unknown };
  return typeof message === 'string' && /^Cannot [A-Z]+ /.test(message);
}

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') return problem({ status, detail: response });
  const { code, detail, message, field, errors } = response as {
    code?: unknown;
    detail?: unknown;
    message?: unknown;
    field?: unknown;
    errors?: unknown;
  };
  if (Array.isArray(message)) {
    // Nest's own ValidationPipe format (one message per invalid field); ours sends `errors` instead.
    const messages = message.map(String);
    return problem({
      status,
      code: typeof code === 'string' ? code : 'validation-failed',
      detail: messages.join('; '),
      errors: messages.map((text) => ({
        field: text.split(' ')[0] ?? '',
        code: 'invalid-value',
        detail: text,
      })),
    });
  }
  return problem({
    status,
    ...(typeof code === 'string' && { code }),
    ...(typeof field === 'string' && { field }),
    ...(Array.isArray(errors) && { errors: errors as InputError[] }),
    detail: typeof detail === 'string' ? detail : typeof message === 'string' ? message : exception.message,
  });
}

/** The store's errors a client can act on; any other store error is an internal one. */
function fromEventStoreError(error: EventStoreError): Problem | undefined {
  const status =
    error instanceof WrongExpectedRevision || error instanceof DuplicateEventIdConflict
      ? HttpStatus.CONFLICT
      : error instanceof StreamNotFound
        ? HttpStatus.NOT_FOUND
        : error instanceof InvalidAppend
          ? HttpStatus.UNPROCESSABLE_ENTITY
          : undefined;
  return status === undefined ? undefined : problem({ status, code: error.code, detail: error.message });
}
