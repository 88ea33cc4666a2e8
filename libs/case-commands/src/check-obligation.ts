import { randomUUID } from 'node:crypto';
import { type CaseEvent, decideCase, isOpened, type ResolvedRules } from '@fristvagt/domain';
import type { EventStore } from '@fristvagt/event-store';
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
  /** Carried into the events' metadata so a breach can be traced to the wake-up that found it. */
  readonly correlationId?: string;
}

export type CheckObligationOutcome =
  | { readonly kind: 'appended'; readonly events: readonly CaseEvent['type'][] }
  | { readonly kind: 'nothing-to-do' }
  /** The case or the obligation is not (or no longer) there: a stale wake-up, nothing to retry. */
  | { readonly kind: 'not-found'; readonly code: string };

/**
 * A wake-up's command: CheckObligation through the same load-decide-append path as every API command. The
 * decider appends ObligationDueSoon or ObligationBreached only if still warranted at `now`, so a duplicate,
 * early or late wake-up does no harm, and two workers checking the same obligation at once append one breach
 * between them (the second sees the first's events after its conflict and decides nothing).
 */
export function checkObligation(
  store: EventStore,
  request: CheckObligationRequest,
): Promise<CheckObligationOutcome> {
  const correlationId = request.correlationId ?? randomUUID();
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
      const events = toNewEvents(decision.value, {
        municipality: state.municipality,
        actor: SCHEDULER_ACTOR,
        correlationId,
        idempotency: null,
      });
      return {
        kind: 'append',
        events,
        answer: () => ({ kind: 'appended', events: decision.value.map((event) => event.type) }),
      };
    },
    // Wake-ups of one busy case take turns with its commands in this process; a conflict with another
    // process is retried for the default time, and after that the scheduler tries the wake-up again.
  );
}
