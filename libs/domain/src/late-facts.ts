/**
 * Facts out of order (DOMAIN.md, "Facts out of order"). A fact is evaluated at its place in business time. When a
 * fact arrives dated before facts already recorded, what those facts opened may be wrong: a council held on 3
 * March posted after a notification of 10 March turns the notification's NSR-CONVENE into NSR-REOFFENCE. History
 * is never rewritten; instead the case's facts are replayed in business-time order, and the difference between
 * the obligations that replay ends with and those the case holds is appended as explicit events, each naming the
 * late fact:
 *
 * - open here, never opened in the replay: cancelled with reason `superseded-by-late-fact`, by the late fact;
 * - open in the replay, not on the case: opened as the replay opened it (trigger, due, alerts at `now`), with
 *   `lateFact` naming the late fact;
 * - open here, fulfilled or cancelled in the replay (a notification posted after the convocation that answered
 *   it): closed as the replay closed it.
 *
 * Obligations a supervisor waived stay waived, and an obligation once recorded is never opened a second time
 * under the same id (the read models key on it): a cancelled one that the replay holds open again stays
 * cancelled. Neither arises from the network-council rules, where a late fact can only add a held council.
 */
import type { DecideContext } from './context';
import { deriveObligations } from './derive';
import type { CaseEvent, FactEvent, ObligationCancelled, ObligationEvent } from './events';
import { caseFolder } from './evolve';
import { factRank } from './fact-rank';
import { factRef, SUPERSEDED_BY_LATE_FACT } from './obligations';
import { arrivesLate, initialCaseState, recordedFacts, type CaseState } from './state';

const ms = (value: string): number => Date.parse(value);

/** A fact dated before the latest fact the case already holds, or at its instant but its cause (fact-rank.ts). */
export function isLateFact(fact: FactEvent, state: CaseState): boolean {
  return arrivesLate(state, fact.occurredAt, factRank(fact.type));
}

/**
 * The facts in business-time order; facts at the same instant in their causal order (fact-rank.ts), and else in
 * the order they were recorded in. The opening stays first whatever its date: a fact the case records about the
 * time before it was opened is still the case's.
 */
export function inBusinessTimeOrder(facts: readonly FactEvent[]): FactEvent[] {
  const opening = (fact: FactEvent) => (fact.type === 'CaseOpened' ? 0 : 1);
  return facts
    .map((fact, index) => ({ fact, index }))
    .sort(
      (a, b) =>
        opening(a.fact) - opening(b.fact) ||
        ms(a.fact.occurredAt) - ms(b.fact.occurredAt) ||
        factRank(a.fact.type) - factRank(b.fact.type) ||
        a.index - b.index,
    )
    .map(({ fact }) => fact);
}

interface Replay {
  readonly state: CaseState;
  /** Per obligation id, the events the replay recorded for it, in order. */
  readonly events: ReadonlyMap<string, ObligationEvent[]>;
}

/** The case as it would stand had its facts been posted in business-time order, each decided at `ctx.now`. */
export function replayInBusinessTime(facts: readonly FactEvent[], ctx: DecideContext): Replay {
  const folder = caseFolder(initialCaseState);
  let state = initialCaseState;
  const events = new Map<string, ObligationEvent[]>();
  for (const fact of inBusinessTimeOrder(facts)) {
    const derived = deriveObligations(state, fact, ctx);
    state = folder.apply([fact as CaseEvent, ...derived]);
    for (const event of derived) {
      if (event.type === 'ObligationNotOpened') continue;
      const id = event.data.obligationId;
      events.set(id, [...(events.get(id) ?? []), event]);
    }
  }
  return { state, events };
}

function superseded(obligationId: string, late: FactEvent): ObligationCancelled {
  return {
    type: 'ObligationCancelled',
    data: { obligationId, reason: SUPERSEDED_BY_LATE_FACT, by: factRef(late) },
    occurredAt: late.occurredAt,
  };
}

/**
 * The events that bring `current` (the case with the late fact and what it derived by itself already folded in)
 * to the obligations a replay of all its facts in business-time order ends with. Empty when they agree.
 */
export function reconcileLateFact(
  current: CaseState,
  late: FactEvent,
  ctx: DecideContext,
): ObligationEvent[] {
  const replay = replayInBusinessTime(recordedFacts(current), ctx);
  const cancels: ObligationEvent[] = [];
  const opens: ObligationEvent[] = [];
  const ids = [...new Set([...Object.keys(current.obligations), ...Object.keys(replay.state.obligations)])];
  for (const id of ids.sort()) {
    const held = Object.hasOwn(current.obligations, id) ? current.obligations[id] : undefined;
    const ideal = Object.hasOwn(replay.state.obligations, id) ? replay.state.obligations[id] : undefined;
    const replayed = replay.events.get(id) ?? [];
    if (held?.status === 'open') {
      if (ideal === undefined) {
        cancels.push(superseded(id, late));
      } else if (ideal.status === 'fulfilled' || ideal.status === 'cancelled') {
        const closing = replayed.find(
          (event) => event.type === 'ObligationFulfilled' || event.type === 'ObligationCancelled',
        );
        if (closing !== undefined) cancels.push(closing);
      }
    } else if (held === undefined && ideal?.status === 'open') {
      for (const event of replayed) {
        if (event.type === 'ObligationOpened') {
          opens.push({ ...event, data: { ...event.data, lateFact: factRef(late) } });
        } else if (event.type === 'ObligationBreached' || event.type === 'ObligationDueSoon') {
          opens.push(event);
        }
      }
    }
  }
  return [...cancels, ...opens];
}
