/**
 * The youth plan (ungeplan, Barnets lov § 108): for a youth in a measure (a contact person decided, a placement
 * started), made within 3 months of the decision, or of the 16th birthday where the youth was younger at the
 * decision. A plan adopted with kind `youth-plan` fulfils it (the rule's `fulfilledBy`); ending the measure
 * cancels it. Nothing is opened for a youth who is 18 or older at the decision.
 */
import { compareLocalDates, localDateOf } from './calendar';
import type { FactEvent } from './events';
import type { ObligationIntent } from './obligations';
import { birthday } from './people';
import type { ResolvedRules } from './rules/resolve';
import type { OpenedCaseState } from './state';

export function youthPlanIntents(
  state: OpenedCaseState,
  fact: FactEvent,
  rules: ResolvedRules,
): ObligationIntent[] {
  if (fact.type !== 'ContactPersonDecided' && fact.type !== 'PlacementStarted') return [];
  const eighteenth = birthday(state.birthDate, 18, rules.pack.leapDayBirthdayRule);
  if (compareLocalDates(localDateOf(fact.occurredAt), eighteenth) >= 0) return [];
  const subject =
    fact.type === 'ContactPersonDecided'
      ? { kind: 'measure' as const, id: fact.data.measureId }
      : { kind: 'placement' as const, id: fact.data.placementId };
  return [{ kind: 'open', ruleId: 'UNGEPLAN', subject, due: { birthDate: state.birthDate } }];
}
