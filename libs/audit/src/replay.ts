import {
  type CaseEvent,
  type CaseState,
  evolveCase,
  evolveObligation,
  isFactEvent,
  hasActiveContactPerson,
  hasActivePlacement,
  initialCaseState,
  type ObligationEvent,
  type ObligationState,
} from '@fristvagt/domain';
import { toDomainEvent } from '@fristvagt/case-commands';
import type { RecordedEvent } from '@fristvagt/event-store';

/**
 * Where a case stands, one word, by precedence: not yet opened; in aftercare (granted, not ended); placed
 * outside the home; with an active contact person; with a network council convened and neither held nor
 * recorded as not held; else open.
 */
export type CasePhase =
  'not-opened' | 'aftercare' | 'placement' | 'contact-person' | 'network-council' | 'open';

/** An open obligation's standing: warned once its warning instant passed, breached once its due did. */
export type OpenObligationState = 'open' | 'warned' | 'breached';
export type ObligationOutcome =
  OpenObligationState | 'fulfilled-on-time' | 'fulfilled-late' | 'cancelled' | 'waived';

export interface OpenObligationView {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly dueAt: string | null;
  readonly state: OpenObligationState;
}

/**
 * The case after one event. Open obligations are listed; closed ones are counted, since a closed obligation
 * never changes again and its closing step is in its life.
 */
export interface CaseStateView {
  readonly phase: CasePhase;
  readonly openObligations: readonly OpenObligationView[];
  readonly counts: Readonly<Record<ObligationOutcome, number>>;
}

export function phaseOf(state: CaseState): CasePhase {
  if (!state.opened) return 'not-opened';
  if (Object.values(state.aftercare).some((aftercare) => aftercare.endedAt === null)) return 'aftercare';
  if (hasActivePlacement(state)) return 'placement';
  if (hasActiveContactPerson(state)) return 'contact-person';
  if (Object.values(state.councils).some((council) => council.outcome === null)) return 'network-council';
  return 'open';
}

export function outcomeOf(obligation: ObligationState): ObligationOutcome {
  switch (obligation.status) {
    case 'open':
      return obligation.breached ? 'breached' : obligation.warned ? 'warned' : 'open';
    case 'fulfilled':
      return obligation.onTime === false ? 'fulfilled-late' : 'fulfilled-on-time';
    default:
      return obligation.status;
  }
}

export interface ReplayBounds {
  /** Business time (ms since epoch): only events that occurred at or before it. Null: every one. */
  readonly asOf: number | null;
  /** Record time (ms): only events recorded at or before it. Null: everything recorded. */
  readonly knownAt: number | null;
}

export interface Replayed {
  /** The last revision recorded at or before knownAt; -1 when none was. */
  readonly revision: number;
  /** The events shown, by revision, each with the case state after it. */
  readonly steps: readonly { readonly event: RecordedEvent; readonly stateAfter: CaseStateView }[];
  readonly finalState: CaseState;
}

/**
 * What a step of the replay keeps of the obligations, updated one obligation at a time. `obligations` is the
 * tally's own record (no prototype, so any id is a plain key), changed in place and never handed out.
 */
class ObligationTally {
  readonly obligations: Record<string, ObligationState> = Object.create(null) as Record<
    string,
    ObligationState
  >;
  /** The last view, while nothing changed since: steps that change nothing share it. */
  private last: CaseStateView | null = null;
  private readonly open = new Map<string, OpenObligationView>();
  private readonly outcomes = new Map<string, ObligationOutcome>();
  private readonly counts: Record<ObligationOutcome, number> = {
    open: 0,
    warned: 0,
    breached: 0,
    'fulfilled-on-time': 0,
    'fulfilled-late': 0,
    cancelled: 0,
    waived: 0,
  };

  set(obligation: ObligationState): void {
    const id = obligation.obligationId;
    this.obligations[id] = obligation;
    this.last = null;
    const before = this.outcomes.get(id);
    const after = outcomeOf(obligation);
    if (before !== undefined) this.counts[before] -= 1;
    this.counts[after] += 1;
    this.outcomes.set(id, after);
    if (obligation.status === 'open') {
      this.open.set(id, {
        obligationId: id,
        ruleId: obligation.ruleId,
        dueAt: obligation.dueAt,
        state: after as OpenObligationState,
      });
    } else {
      this.open.delete(id);
    }
  }

  view(phase: CasePhase): CaseStateView {
    if (this.last === null || this.last.phase !== phase) {
      this.last = { phase, openObligations: [...this.open.values()], counts: { ...this.counts } };
    }
    return this.last;
  }
}

/** An event about one obligation: every obligation event but ObligationNotOpened, which opens none. */
function isObligationStep(
  event: CaseEvent,
): event is Exclude<ObligationEvent, { type: 'ObligationNotOpened' }> {
  return !isFactEvent(event) && event.type !== 'ObligationNotOpened';
}

/**
 * The case as known at `knownAt` about the moment `asOf`: the events recorded by `knownAt` that occurred by
 * `asOf`, in stream order, each folded with the domain's own evolve. A fact posted late is unknown before its
 * `recordedAt`; a breach is an event at the due instant, so an obligation is open at an `asOf` before its due
 * and breached from it on. Instants are compared as instants, whatever their fraction digits.
 *
 * Facts go through `evolveCase`, obligation events through the domain's `evolveObligation` over the
 * tally's own record, updated in place: `evolveCase` copies the obligations record at every obligation event,
 * which makes a full fold quadratic (70 ms for 1,000 events), and replay must stay linear. That is the same
 * fold because a fact's evolve never reads obligations and `evolveCase` on an obligation event is
 * `evolveObligation` plus that copy (the domain's `foldCaseEvents` does the same); replay.spec.ts holds this
 * against `foldCase` on generated histories.
 */
export function replayCase(events: readonly RecordedEvent[], bounds: ReplayBounds): Replayed {
  let revision = -1;
  let facts: CaseState = initialCaseState;
  const tally = new ObligationTally();
  const steps: { event: RecordedEvent; stateAfter: CaseStateView }[] = [];
  let phase = phaseOf(facts);
  for (const event of events) {
    if (bounds.knownAt !== null && Date.parse(event.metadata.recordedAt) > bounds.knownAt) continue;
    revision = Number(event.revision);
    if (bounds.asOf !== null && Date.parse(event.metadata.occurredAt) > bounds.asOf) continue;
    const domainEvent = toDomainEvent(event);
    if (isObligationStep(domainEvent)) {
      const after = evolveObligation(tally.obligations, domainEvent);
      if (after !== undefined) tally.set(after);
    } else {
      facts = evolveCase(facts, domainEvent);
      phase = phaseOf(facts);
    }
    steps.push({ event, stateAfter: tally.view(phase) });
  }
  const finalState: CaseState = { ...facts, obligations: { ...tally.obligations } };
  return { revision, steps, finalState };
}
