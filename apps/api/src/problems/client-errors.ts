import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { HttpStatus } from '@nestjs/common';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem';

/**
 * Node's HTTP parser refuses a request before Fastify or Nest see it: its framing, request line or headers
 * cannot be read. Fastify's own answer to these is `application/json` with "Client Error"; this one is the
 * same problem+json as every other error.
 */
function clientProblem(error: NodeJS.ErrnoException): Problem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem({
        status: 431, // Request Header Fields Too Large; not in Nest's HttpStatus
        code: 'headers-too-large',
        detail: `The request line and headers together are larger than ${maxHeaderSize / 1024} kB.`,
      });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem({
        status: HttpStatus.REQUEST_TIMEOUT,
        code: 'request-timeout',
        detail: 'The request was not received in time.',
      });
    default:
      return problem({
        status: HttpStatus.BAD_REQUEST,
        code: 'malformed-request',
        detail:
          'The request is not valid HTTP/1.1: its request line, a header line or its framing ' +
          '(Content-Length, Transfer-Encoding, CRLF line endings) cannot be read.',
      });
  }
}

/**
 * For Fastify's `clientErrorHandler` (the Node server's `clientError` event). What the client sent is
 * never quoted: the request line may carry a CPR number. The connection is closed, since after a framing
 * error nothing more on it can be read reliably.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const answer = clientProblem(error);
    const body = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${answer.status} ${answer.title}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * The client hung up before its request was read (Node's `aborted`, ECONNRESET, raised while the body is
 * read): its doing, not the service's, and there is no one left to answer.
 */
export function isClientAbort(
  error: unknown,
  request: { readonly raw?: { readonly destroyed?: boolean } },
): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (code === 'ECONNRESET' && message === 'aborted') ||
    (code === 'ECONNRESET' && request.raw?.destroyed === true)
  );
}
