import { createHash, randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type CaseCommand, containsCprNumber } from '@fristvagt/domain';
import { canonicalJson } from '@fristvagt/event-store';
import type { Principal } from '../access/principal';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { inputProblem } from '../problems/input-validation';
import type { CommandOutcome } from './dto/outcome.dto';
import type { CommandExchange } from './http';
import { ExecuteCaseCommand } from './execute-case-command';

/** The parts of the HTTP request and reply (Fastify's, or Express's) the gateway uses. */
export interface HttpRequest {
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
function headerOf(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

// Printable ASCII without spaces, as Stripe and the IETF draft allow; long enough for a UUID or a ULID pair.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The HTTP edge of every command: reads Idempotency-Key, If-Match and X-Request-Id, runs the command
 * through the CommandBus, and writes the status and headers. Controllers only build the domain command.
 */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(CPR_PROTECTOR) private readonly protector: CprProtector,
  ) {}

  /**
   * The id of a case opened with this request: derived from the caller and its Idempotency-Key, so a
   * retried "open case" lands on the same stream and is recognised there.
   */
  caseIdFor({ request, principal }: CommandExchange): string {
    return uuidV5(this.scopedKey(request, principal));
  }

  async execute(
    { request, response, principal }: CommandExchange,
    caseId: string,
    command: CaseCommand,
  ): Promise<CommandOutcome> {
    const ifMatch = parseIfMatch(headerOf(request, 'if-match'));
    const result = await this.commandBus.execute(
      new ExecuteCaseCommand({
        caseId,
        command,
        principal,
        idempotency: { key: this.scopedKey(request, principal), request: requestHash(request) },
        ifMatch,
        correlationId: correlationId(request),
      }),
    );
    response.status(HttpStatus.CREATED);
    response.header('ETag', `"${result.outcome.revision}"`);
    if (command.type === 'OpenCase') response.header('Location', `/v1/cases/${caseId}`);
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    return result.outcome;
  }

  /** The caller's key, hashed with a secret and the API key's id: two callers' keys never meet, and no key is stored in clear. */
  private scopedKey(request: HttpRequest, principal: Principal): string {
    const key = headerOf(request, IDEMPOTENCY_KEY_HEADER);
    if (key === undefined || key === '') {
      throw inputProblem([
        {
          field: IDEMPOTENCY_KEY_HEADER,
          code: 'idempotency-key-required',
          detail: `Every command needs an ${IDEMPOTENCY_KEY_HEADER} header; send the same key when you retry`,
        },
      ]);
    }
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw inputProblem([
        {
          field: IDEMPOTENCY_KEY_HEADER,
          code: 'invalid-idempotency-key',
          detail: `${IDEMPOTENCY_KEY_HEADER} must be 1-255 printable ASCII characters without spaces`,
        },
      ]);
    }
    return this.protector.keyedHash(`idempotency\n${principal.keyId}\n${key}`);
  }
}

/** What makes two requests "the same": method, path and body, whatever the key order of the JSON. */
function requestHash(request: HttpRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`)
    .digest('base64url');
}

/** `"5"`, `W/"5"` is not accepted: a revision is exact. A bare `5` is accepted for clients that strip quotes. */
export function parseIfMatch(header: string | undefined): bigint | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^\s*"?(\d{1,18})"?\s*$/.exec(header);
  if (match === null) {
    throw new HttpException(
      {
        code: 'invalid-if-match',
        field: 'If-Match',
        detail: 'If-Match must be the case revision from the ETag, e.g. "5"',
      },
      HttpStatus.BAD_REQUEST,
    );
  }
  return BigInt(match[1]);
}

/** The caller's X-Request-Id when it is a harmless token; it is stored in every event, so never a CPR number. */
function correlationId(request: HttpRequest): string {
  const given = headerOf(request, 'x-request-id');
  return given !== undefined && REQUEST_ID.test(given) && !containsCprNumber(given) ? given : randomUUID();
}

// A fixed namespace for case ids (RFC 9562 name-based UUIDs, version 5).
const CASE_NAMESPACE = Buffer.from('6f1c2d0e8a7b4c3d9e5f0a1b2c3d4e5f', 'hex');

function uuidV5(name: string): string {
  const bytes = createHash('sha1').update(CASE_NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
