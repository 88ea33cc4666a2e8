import { Inject, Injectable } from '@nestjs/common';
import { stableUuid } from '@fristvagt/alerts';
import type { RecordedEvent } from '@fristvagt/event-store';
import type { Principal } from '../access/principal';
import { requestHash, scopedIdempotencyKey } from '../http/idempotency';
import type { HttpRequest } from '../http/request';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { idempotencyKeyReused } from './alert-problems';

/** What the events of one request carry in their metadata, so that a retry finds them (see docs/api.md). */
export interface IdempotencyMark {
  readonly key: string;
  readonly request: string;
}

/** Idempotency-Key for the alert commands, read as the case commands read it (http/idempotency.ts). */
@Injectable()
export class AlertCommandRequests {
  constructor(@Inject(CPR_PROTECTOR) private readonly protector: CprProtector) {}

  idempotency(request: HttpRequest, principal: Principal): IdempotencyMark {
    return { key: scopedIdempotencyKey(request, principal, this.protector), request: requestHash(request) };
  }

  /** The id of a subscription created with this (scoped) key: a retried creation lands on the same stream. */
  subscriptionId(mark: IdempotencyMark): string {
    return stableUuid('alert-subscription', mark.key);
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
