import { deriveAftercare } from './aftercare';
import { deriveCase } from './case';
import { deriveContactPerson } from './contact-person';
import { rulesForCase, type DecideContext } from './context';
import type { FactEvent, ObligationEvent } from './events';
import { evolveFact } from './evolve';
import { deriveNetworkCouncil } from './network-council';
import { applyIntents, closeObligations, type ObligationIntent } from './obligations';
import type { ResolvedRules } from './rules/resolve';
import { isOpened, type CaseState } from './state';

function intentsFor(
  state: CaseState,
  fact: FactEvent,
  after: CaseState,
  rules: ResolvedRules,
): ObligationIntent[] {
  if (!isOpened(state)) return [];
  switch (fact.type) {
    case 'CaseOpened':
    case 'PlacementStarted':
    case 'PlacementEnded':
    case 'CaseTransferred':
      return deriveCase(state, fact, after, rules);
    case 'PoliceDocumentationReceived':
    case 'TargetGroupAssessed':
    case 'CouncilConvened':
    case 'CouncilHeld':
    case 'CouncilNotHeld':
    case 'CouncilFollowUpRecorded':
      return deriveNetworkCouncil(state, fact, rules);
    case 'ContactPersonDecided':
    case 'ContactPersonStarted':
    case 'FollowUpRecorded':
    case 'StatusStatementSubmitted':
    case 'ContactPersonEnded':
      return deriveContactPerson(state, fact, after, rules);
    case 'AftercareAssessed':
    case 'AftercareRequested':
    case 'AftercareGranted':
    case 'AftercareDeclinedByYouth':
    case 'AftercareEnded':
      return deriveAftercare(state, fact, rules);
    default:
      return [];
  }
}

/**
 * The obligation events a fact produces, as a pure function of the state before it, the fact and the rules:
 * first the obligations it fulfils or cancels, then those it opens (each followed by a breach or warning when
 * `ctx.now` is already past it). Deciders and `evaluateHistory` share it, so re-evaluating a case under
 * another rule pack runs exactly the code that produced the recorded obligations.
 */
export function deriveObligations(state: CaseState, fact: FactEvent, ctx: DecideContext): ObligationEvent[] {
  const after = evolveFact(state, fact);
  const rules = rulesForCase(after, ctx);
  const closing = closeObligations(state, fact);
  const closed = new Set(closing.map((event) => event.data.obligationId));
  return [
    ...closing,
    ...applyIntents(state, fact, intentsFor(state, fact, after, rules), closed, rules, ctx),
  ];
}
