import { deriveAftercare, eligibleThroughOtherCases } from './aftercare';
import { deriveCase } from './case';
import { deriveContactPerson } from './contact-person';
import { rulesForCase, type DecideContext } from './context';
import type { FactEvent, ObligationEvent } from './events';
import { evolveFact } from './evolve';
import { deriveInvestigation } from './investigation';
import { deriveNetworkCouncil } from './network-council';
import { applyIntents, closeObligations, type ObligationIntent } from './obligations';
import type { ResolvedRules } from './rules/resolve';
import { isOpened, type CaseState } from './state';
import { NO_YOUTH_HISTORY, type YouthHistory } from './youth-history';
import { deriveNotification } from './underretning';
import { youthPlanIntents } from './youth-plan';

function intentsFor(
  state: CaseState,
  fact: FactEvent,
  after: CaseState,
  rules: ResolvedRules,
  history: YouthHistory,
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
      return deriveNetworkCouncil(state, fact, rules, history);
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
    case 'NotificationOfConcernReceived':
    case 'NotificationOfConcernAssessed':
      return deriveNotification(fact);
    case 'InvestigationStarted':
    case 'PreliminaryAssessmentRecorded':
    case 'InvestigationCompleted':
      return deriveInvestigation(fact);
    default:
      return [];
  }
}

/** Intents a fact raises besides its own workflow's: the youth plan a new measure needs (youth-plan.ts). */
function crossWorkflowIntents(state: CaseState, fact: FactEvent, rules: ResolvedRules): ObligationIntent[] {
  return isOpened(state) ? youthPlanIntents(state, fact, rules) : [];
}

/**
 * The obligation events a fact produces, as a pure function of the state before it, the fact and the rules:
 * first the obligations it fulfils or cancels, then those it opens (each followed by a breach or warning when
 * `ctx.now` is already past it). Deciders and `evaluateHistory` share it, so re-evaluating a case under
 * another rule pack runs exactly the code that produced the recorded obligations.
 */
export function deriveObligations(state: CaseState, fact: FactEvent, ctx: DecideContext): ObligationEvent[] {
  const after = evolveFact(state, fact);
  const rules = rulesForCase(after, ctx, fact.occurredAt);
  const closing = closeObligations(state, fact);
  const closed = new Set(closing.map((event) => event.data.obligationId));
  const history = ctx.youthHistory ?? NO_YOUTH_HISTORY;
  return [
    ...closing,
    ...applyIntents(
      state,
      fact,
      eligibleThroughOtherCases(
        [...intentsFor(state, fact, after, rules, history), ...crossWorkflowIntents(state, fact, rules)],
        fact,
        history,
      ),
      closed,
      rules,
      ctx,
    ),
  ];
}
