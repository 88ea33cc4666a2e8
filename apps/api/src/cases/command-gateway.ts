import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CaseCommand } from '@fristvagt/domain';
import { requestHash, scopedIdempotencyKey } from '../http/idempotency';
import { correlationId, headerOf, requestId } from '../http/request';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import type { CommandOutcome } from './dto/outcome.dto';
import type { CommandExchange } from './http';
import {
  CASE_BUSY_RETRY_AFTER_SECONDS,
  CaseBusy,
  type CaseCommandResult,
  ExecuteCaseCommand,
} from './execute-case-command';

/**
 * The HTTP edge of every command: reads Idempotency-Key, If-Match and the trace ids, runs the command
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
    return uuidV5(scopedIdempotencyKey(request, principal, this.protector));
  }

  async execute(
    { request, response, principal }: CommandExchange,
    caseId: string,
    command: CaseCommand,
  ): Promise<CommandOutcome> {
    const ifMatch = parseIfMatch(headerOf(request, 'if-match'));
    let result: CaseCommandResult;
    try {
      result = await this.commandBus.execute(
        new ExecuteCaseCommand({
          caseId,
          command,
          principal,
          idempotency: {
            key: scopedIdempotencyKey(request, principal, this.protector),
            request: requestHash(request),
          },
          ifMatch,
          correlationId: correlationId(request),
          requestId: requestId(request),
        }),
      );
    } catch (error) {
      // The error mapper writes the problem; the header must be on the response before it does.
      if (error instanceof CaseBusy) response.header('Retry-After', String(CASE_BUSY_RETRY_AFTER_SECONDS));
      throw error;
    }
    response.status(HttpStatus.CREATED);
    response.header('ETag', `"${result.outcome.revision}"`);
    if (command.type === 'OpenCase') response.header('Location', `/v1/cases/${caseId}`);
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    return result.outcome;
  }
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

// A fixed namespace for case ids (RFC 9562 name-based UUIDs, version 5).
const CASE_NAMESPACE = Buffer.from('6f1c2d0e8a7b4c3d9e5f0a1b2c3d4e5f', 'hex');

function uuidV5(name: string): string {
  const bytes = createHash('sha1').update(CASE_NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
