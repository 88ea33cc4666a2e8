import { randomUUID } from 'node:crypto';
import { type CaseEvent, type CaseState, foldCaseEvents, initialCaseState } from '@fristvagt/domain';
import type { NewEvent, RecordedEvent } from '@fristvagt/event-store';

/** One stream per case, named by the case's UUID: never a CPR number or a name. */
export function caseStreamName(caseId: string): string {
  return `case-${caseId.toLowerCase()}`;
}

/** Schema version of every case event type as written today; bump one and add an upcaster when its data changes. */
export const CASE_EVENT_SCHEMA_VERSION = 1;

/** The domain's view of a stored event: type, data and business time. */
export function toDomainEvent(
  recorded: Pick<RecordedEvent, 'type' | 'data'> & { readonly metadata: { readonly occurredAt: string } },
): CaseEvent {
  return {
    type: recorded.type,
    data: recorded.data,
    occurredAt: recorded.metadata.occurredAt,
  } as CaseEvent;
}

export function foldCase(events: readonly RecordedEvent[], state: CaseState = initialCaseState): CaseState {
  return foldCaseEvents(state, events.map(toDomainEvent));
}

export interface AppendContext {
  readonly municipality: string;
  readonly actor: string;
  readonly correlationId: string;
  /** What caused these events: the API request's id, or the event a wake-up acted on. Default null. */
  readonly causationId?: string | null;
  readonly idempotency: { readonly key: string; readonly request: string } | null;
}

export function toNewEvents(events: readonly CaseEvent[], context: AppendContext): NewEvent[] {
  return events.map((event) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      municipality: context.municipality,
      actor: context.actor,
      occurredAt: event.occurredAt,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
      schemaVersion: CASE_EVENT_SCHEMA_VERSION,
      ...(context.idempotency !== null && { idempotency: context.idempotency }),
    },
  }));
}
