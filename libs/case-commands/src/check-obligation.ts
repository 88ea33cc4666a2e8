import { randomUUID } from 'node:crypto';
import { type CaseEvent, decideCase, isOpened, type ResolvedRules } from '@fristvagt/domain';
import type { EventStore, RecordedEvent } from '@fristvagt/event-store';
import { caseStreamName, foldCase, toNewEvents } from './case-stream';
import { loadDecideAppend } from './load-decide-append';

/** The actor of the events the deadline wake-ups append. */
export const SCHEDULER_ACTOR = 'scheduler';

export interface CheckObligationRequest {
  readonly caseId: string;
  readonly obligationId: string;
  /** ISO UTC: the moment of detection, from the process's clock. */
  readonly now: string;
  readonly rulesFor: (municipality: string) => ResolvedRules;
  /**
   * The correlation id of the events, when the event that opened the obligation is not in the stream (it
   * always is for a real obligation). Default: a new UUID.
   */
  readonly correlationId?: string;
}

export type CheckObligationOutcome =
  | {
      readonly kind: 'appended';
      readonly events: readonly CaseEvent['type'][];
      /** The correlation id the events carry: that of the event that opened the obligation. */
      readonly correlationId: string;
      /** Their causationId: the id of the ObligationOpened they follow from, if it was found. */
      readonly causationId: string | null;
    }
  | { readonly kind: 'nothing-to-do' }
  /** The case or the obligation is not (or no longer) there: a stale wake-up, nothing to retry. */
  | { readonly kind: 'not-found'; readonly code: string };

/**
 * A wake-up's command: CheckObligation through the same load-decide-append path as every API command. The
 * decider appends ObligationDueSoon or ObligationBreached only if still warranted at `now`, so a duplicate,
 * early or late wake-up does no harm, and two workers checking the same obligation at once append one breach
 * between them (the second sees the first's events after its conflict and decides nothing). The events carry
 * the correlation id of the event that opened the obligation, and its id as their causation, so a breach and
 * its alerts are traced to the command that set the deadline (docs/architecture.md, "Tracing a command").
 */
export function checkObligation(
  store: EventStore,
  request: CheckObligationRequest,
): Promise<CheckObligationOutcome> {
  const fallbackCorrelationId = request.correlationId ?? randomUUID();
  return loadDecideAppend<CheckObligationOutcome>(
    store,
    caseStreamName(request.caseId),
    (loaded) => {
      const state = foldCase(loaded.events);
      if (!isOpened(state)) return { kind: 'answer', value: { kind: 'not-found', code: 'case-not-found' } };
      const decision = decideCase(
        { type: 'CheckObligation', data: { obligationId: request.obligationId }, occurredAt: request.now },
        state,
        // No youth history (youth-history.ts): a wake-up compares a recorded due with `now` and derives nothing.
        { now: request.now, rules: request.rulesFor(state.municipality) },
      );
      if (!decision.ok) return { kind: 'answer', value: { kind: 'not-found', code: decision.error.code } };
      if (decision.value.length === 0) return { kind: 'answer', value: { kind: 'nothing-to-do' } };
      const opening = openingOf(loaded.events, request.obligationId);
      const correlationId = opening?.metadata.correlationId ?? fallbackCorrelationId;
      const causationId = opening?.id ?? null;
      const events = toNewEvents(decision.value, {
        municipality: state.municipality,
        actor: SCHEDULER_ACTOR,
        correlationId,
        causationId,
        idempotency: null,
      });
      return {
        kind: 'append',
        events,
        answer: () => ({
          kind: 'appended',
          events: decision.value.map((event) => event.type),
          correlationId,
          causationId,
        }),
      };
    },
    // Wake-ups of one busy case take turns with its commands in this process; a conflict with another
    // process is retried for the default time, and after that the scheduler tries the wake-up again.
  );
}

/** The ObligationOpened of the obligation (an obligation id is opened once), looked for from the end. */
function openingOf(events: readonly RecordedEvent[], obligationId: string): RecordedEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === 'ObligationOpened' && event.data.obligationId === obligationId) return event;
  }
  return undefined;
}
