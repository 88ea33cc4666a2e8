import { STATUS_CODES } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { containsCprNumber } from '@fristvagt/domain';
import { inputProblem } from './input-validation';

/** The largest JSON body the api reads; a larger one is refused with 413 before it is parsed. */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/** Deeper than any command body; deep enough nesting overflows the stack of the validators after us. */
export const JSON_DEPTH_LIMIT = 32;

// application/json and application/<anything>+json, with or without parameters.
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json(?:\s*;|$)/i;

/**
 * Reads request bodies as JSON only, up to JSON_BODY_LIMIT_BYTES and JSON_DEPTH_LIMIT levels: Fastify's
 * own parsers (text/plain among them) are removed, so any other media type is a 415. Every refusal
 * becomes an HttpException or a Fastify error that `fastifyProblem` maps, so the one error mapper
 * answers it as problem+json, and none of them quotes the body.
 */
export function useJsonBodies(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    JSON_MEDIA_TYPE,
    // As bytes: read as a string, bytes that are not UTF-8 would become U+FFFD and Fastify would then
    // answer that the body's length does not match its Content-Length.
    { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT_BYTES },
    (request, body, done) => {
      const unsupported = unsupportedEncoding(request.headers);
      if (unsupported !== undefined) {
        done(refusal(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported-media-type', unsupported), undefined);
        return;
      }
      let text: string;
      try {
        text = UTF8.decode(body as Buffer);
      } catch {
        done(
          refusal(
            HttpStatus.BAD_REQUEST,
            'body-not-utf8',
            'The request body must be encoded as UTF-8.',
            'body',
          ),
          undefined,
        );
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null) {
        done(
          refusal(
            HttpStatus.BAD_REQUEST,
            'malformed-json',
            'The request body is not valid JSON (an object or an array).',
          ),
          undefined,
        );
        return;
      }
      if (depthExceeds(parsed, JSON_DEPTH_LIMIT)) {
        done(
          refusal(
            HttpStatus.BAD_REQUEST,
            'body-too-deep',
            `The request body is nested more than ${JSON_DEPTH_LIMIT} levels deep.`,
            'body',
          ),
          undefined,
        );
        return;
      }
      const forbidden = forbiddenMember(parsed);
      if (forbidden !== undefined) {
        done(
          inputProblem([
            {
              field: forbidden,
              code: 'unknown-field',
              detail: `${forbidden} is not a field of this request`,
            },
          ]),
          undefined,
        );
        return;
      }
      done(null, parsed);
    },
  );
}

/** Strict: a byte sequence that is not UTF-8 is an error, never a replacement character. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Member names that no request has and that would reach prototypes: class-transformer drops them without a
 * word, so `forbidNonWhitelisted` never sees them, and they are refused here as any unknown field is.
 */
const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The path of the first member named in FORBIDDEN_MEMBERS at any depth (`invitees[0].__proto__`), or
 * undefined. A path that would repeat a CPR number (an unknown member named by one) is cut to the name.
 * Runs after depthExceeds, so the depth is bounded.
 */
function forbiddenMember(root: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      const childPath = isArray ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (!isArray && FORBIDDEN_MEMBERS.has(key)) return containsCprNumber(childPath) ? key : childPath;
      stack.push([child, childPath]);
    }
  }
  return undefined;
}

/** Why the body's encoding cannot be read (only UTF-8, uncompressed), or undefined when it can. */
function unsupportedEncoding(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity') {
    return 'Request bodies are read uncompressed: send them without Content-Encoding.';
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(headers['content-type'] ?? ''))?.[1];
  if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) {
    return 'The request body must be encoded as UTF-8.';
  }
  return undefined;
}

function refusal(status: HttpStatus, code: string, detail: string, field?: string): HttpException {
  return new HttpException({ code, detail, ...(field !== undefined && { field }) }, status);
}

/** Iterative, so the check itself cannot overflow the stack. */
function depthExceeds(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Fastify's own refusals of a request, by code; never its message, which may quote the request. */
const FASTIFY_REFUSALS: Readonly<
  Record<string, { status: HttpStatus; code: string; detail: string; field?: string }>
> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    detail: 'The request body must be JSON: send it with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    detail: 'The request body must be JSON: send it with Content-Type: application/json.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    code: 'payload-too-large',
    detail: `The request body is larger than ${JSON_BODY_LIMIT_BYTES / 1024} kB.`,
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: HttpStatus.BAD_REQUEST,
    code: 'content-length-mismatch',
    detail: 'The request body is not as long as its Content-Length says.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: HttpStatus.BAD_REQUEST,
    code: 'malformed-json',
    detail: 'The request says it has a JSON body but sends none.',
  },
  FST_ERR_CTP_INVALID_CHARSET: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    detail: 'The request body must be encoded as UTF-8.',
  },
  FST_ERR_BAD_URL: {
    status: HttpStatus.BAD_REQUEST,
    code: 'malformed-url',
    detail: 'The request path is not valid percent-encoding.',
    field: 'path',
  },
};

/**
 * For Fastify's `frameworkErrors`: the errors it raises before routing (a URL that does not decode)
 * never reach Nest's exception filters, so they are answered here, in the same problem+json shape.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem =
    fastifyProblem(error) ?? refusal(HttpStatus.BAD_REQUEST, 'bad-request', 'The request is malformed.');
  const body = problem.getResponse() as { code: string; detail: string; field?: string };
  reply.code(problem.getStatus());
  reply.header('Content-Type', 'application/problem+json; charset=utf-8');
  reply.send(
    JSON.stringify({
      type: `urn:fristvagt:problem:${body.code}`,
      title: STATUS_CODES[problem.getStatus()] ?? 'Error',
      status: problem.getStatus(),
      detail: body.detail,
      code: body.code,
      ...(body.field !== undefined && { field: body.field }),
    }),
  );
}

/**
 * The problem for an error Fastify raised before a handler ran (media type, size, URL); undefined for
 * anything else. Any other Fastify client error (a 4xx `statusCode`) is a generic unreadable request.
 */
export function fastifyProblem(error: unknown): HttpException | undefined {
  if (error instanceof HttpException) {
    // Nest turns Fastify's body-size refusal into a bare 413 whose message is Fastify's.
    const size = FASTIFY_REFUSALS.FST_ERR_CTP_BODY_TOO_LARGE;
    return error.getStatus() === HttpStatus.PAYLOAD_TOO_LARGE && typeof error.getResponse() !== 'object'
      ? refusal(size.status, size.code, size.detail)
      : undefined;
  }
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  const known = Object.hasOwn(FASTIFY_REFUSALS, code) ? FASTIFY_REFUSALS[code] : undefined;
  if (known !== undefined) return refusal(known.status, known.code, known.detail, known.field);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return refusal(statusCode, 'unreadable-request', 'The request could not be read as sent.');
  }
  return undefined;
}
