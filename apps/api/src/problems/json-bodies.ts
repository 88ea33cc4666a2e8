import type { IncomingHttpHeaders } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** The largest JSON body the api reads; a larger one is refused with 413 before it is parsed. */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/** The media types the api reads bodies in. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** What these middlewares use of Express's request. */
interface BodyRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** Express's media type match (type-is): the matching type, or false. */
  is(types: string[]): string | false | null;
}
type Next = (error?: unknown) => void;

/**
 * Reads request bodies as JSON only, up to JSON_BODY_LIMIT_BYTES, and turns every way a body can be
 * refused into an HttpException, so the one error mapper (ProblemDetailsFilter) answers it as
 * problem+json. Left to Express, an oversized body became a 500 and a JSON syntax error a 400 whose
 * detail quoted the body; body-parser's errors also carry the raw body, which must never reach a log.
 * Create the app with `bodyParser: false` and call this before it listens.
 */
export function useJsonBodies(app: NestExpressApplication): void {
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES, type: JSON_MEDIA_TYPES });
  app.use(bodyParserProblem);
  app.use(limitJsonDepth);
}

/** Deeper than any command body; deep enough nesting overflows the stack of the validators after us. */
export const JSON_DEPTH_LIMIT = 32;

/** 400 for a body nested deeper than JSON_DEPTH_LIMIT, before class-transformer recurses into it. */
export function limitJsonDepth(request: { body?: unknown }, _response: unknown, next: Next): void {
  if (depthExceeds(request.body, JSON_DEPTH_LIMIT)) {
    next(
      new HttpException(
        {
          code: 'body-too-deep',
          field: 'body',
          detail: `The request body is nested more than ${JSON_DEPTH_LIMIT} levels deep.`,
        },
        HttpStatus.BAD_REQUEST,
      ),
    );
    return;
  }
  next();
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

/** 415 for a body that is not JSON, before any of it is read. A request without a body passes. */
export function requireJsonBody(request: BodyRequest, _response: unknown, next: Next): void {
  if (!BODY_METHODS.has(request.method) || !hasBody(request.headers) || request.is(JSON_MEDIA_TYPES)) {
    next();
    return;
  }
  next(
    new HttpException(
      {
        code: 'unsupported-media-type',
        detail: 'The request body must be JSON: send it with Content-Type: application/json.',
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    ),
  );
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** body-parser's refusals (http-errors with a `type`), by type; never its message, which may quote the body. */
const REFUSALS: Readonly<Record<string, { status: HttpStatus; code: string; detail: string }>> = {
  'entity.parse.failed': {
    status: HttpStatus.BAD_REQUEST,
    code: 'malformed-json',
    detail: 'The request body is not valid JSON (an object or an array).',
  },
  'entity.too.large': {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    code: 'payload-too-large',
    detail: `The request body is larger than ${JSON_BODY_LIMIT_BYTES / 1024} kB.`,
  },
  'charset.unsupported': {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    detail: 'The request body must be encoded as UTF-8.',
  },
  'encoding.unsupported': {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    code: 'unsupported-media-type',
    detail: 'The Content-Encoding of the request body is not supported: send identity, gzip or deflate.',
  },
  'request.size.invalid': {
    status: HttpStatus.BAD_REQUEST,
    code: 'content-length-mismatch',
    detail: 'The request body is not as long as its Content-Length says.',
  },
  'request.aborted': {
    status: HttpStatus.BAD_REQUEST,
    code: 'request-aborted',
    detail: 'The request was aborted before its body was read.',
  },
};

/** Error middleware right after the body parser: its errors become problems; anything else passes on. */
export function bodyParserProblem(error: unknown, _request: unknown, _response: unknown, next: Next): void {
  const type = (error as { type?: unknown } | null)?.type;
  const status = (error as { status?: unknown } | null)?.status;
  const refusal =
    typeof type === 'string' && Object.hasOwn(REFUSALS, type)
      ? REFUSALS[type]
      : !(error instanceof HttpException) && typeof status === 'number' && status >= 400 && status < 500
        ? // body-parser's other client errors (a body that does not inflate as its Content-Encoding says).
          { status, code: 'unreadable-body', detail: 'The request body could not be read as sent.' }
        : undefined;
  if (refusal === undefined) {
    next(error);
    return;
  }
  next(new HttpException({ code: refusal.code, detail: refusal.detail }, refusal.status));
}
