import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { stableUuid } from '@fristvagt/alerts';
import { containsCprNumber } from '@fristvagt/domain';
import { canonicalJson, type RecordedEvent } from '@fristvagt/event-store';
import type { Principal } from '../access/principal';
import type { HttpRequest } from '../cases/command-gateway';
import { IDEMPOTENCY_KEY_HEADER } from '../cases/command-gateway';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { inputProblem } from '../problems/input-validation';
import { idempotencyKeyReused } from './alert-problems';

/** What the events of one request carry in their metadata, so that a retry finds them (see docs/api.md). */
export interface IdempotencyMark {
  readonly key: string;
  readonly request: string;
}

// The same rules as the case commands' (cases/command-gateway.ts), so a client treats every command alike.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Idempotency-Key and X-Request-Id for the alert commands, exactly as the case commands read them: the key is
 * required, scoped to the API key and stored only as a keyed hash; the request is its method, path and JSON
 * body whatever the key order.
 */
@Injectable()
export class AlertCommandRequests {
  constructor(@Inject(CPR_PROTECTOR) private readonly protector: CprProtector) {}

  idempotency(request: HttpRequest, principal: Principal): IdempotencyMark {
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
    return {
      key: this.protector.keyedHash(`idempotency\n${principal.keyId}\n${key}`),
      request: createHash('sha256')
        .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`)
        .digest('base64url'),
    };
  }

  /** The id of a subscription created with this (scoped) key: a retried creation lands on the same stream. */
  subscriptionId(mark: IdempotencyMark): string {
    return stableUuid('alert-subscription', mark.key);
  }

  /** The caller's X-Request-Id when it is a harmless token (it is stored in the events), else a new one. */
  correlationId(request: HttpRequest): string {
    const given = headerOf(request, 'x-request-id');
    return given !== undefined && REQUEST_ID.test(given) && !containsCprNumber(given) ? given : randomUUID();
  }
}

/**
 * The events an earlier request with this key appended to the stream, or undefined when there was none.
 * The same key with another request is refused (422 idempotency-key-reused).
 */
export function earlierAppend(
  mark: IdempotencyMark,
  events: readonly RecordedEvent[],
): readonly RecordedEvent[] | undefined {
  const own = events.filter((event) => event.metadata.idempotency?.key === mark.key);
  if (own.length === 0) return undefined;
  if (own[0].metadata.idempotency?.request !== mark.request) throw idempotencyKeyReused();
  return own;
}

function headerOf(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}
