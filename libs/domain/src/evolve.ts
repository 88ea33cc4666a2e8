import { evolveActionPlan } from './action-plan';
import { evolveAftercare } from './aftercare';
import { evolveCaseFacts } from './case';
import { evolveContactPerson } from './contact-person';
import { factRank } from './fact-rank';
import { evolveInvestigation } from './investigation';
import { isFactEvent, type CaseEvent, type FactEvent } from './events';
import { evolveNetworkCouncil } from './network-council';
import { evolveObligations } from './obligations';
import type { CaseState } from './state';
import { evolveNotification } from './underretning';

/** Folds one fact into the case state. */
export function evolveFact(state: CaseState, fact: FactEvent): CaseState {
  switch (fact.type) {
    case 'CaseOpened':
    case 'PlacementStarted':
    case 'PlacementEnded':
    case 'CaseTransferred':
      return evolveCaseFacts(state, fact);
    case 'PoliceDocumentationReceived':
    case 'TargetGroupAssessed':
    case 'CouncilConvened':
    case 'CouncilHeld':
    case 'CouncilNotHeld':
    case 'CouncilFollowUpRecorded':
      return evolveNetworkCouncil(state, fact);
    case 'PlanAdopted':
    case 'PlanRevised':
    case 'PlanRevisionAssessed':
      return evolveActionPlan(state, fact);
    case 'ContactPersonDecided':
    case 'ContactPersonStarted':
    case 'FollowUpRecorded':
    case 'StatusStatementSubmitted':
    case 'ContactPersonEnded':
      return evolveContactPerson(state, fact);
    case 'AftercareAssessed':
    case 'AftercareRequested':
    case 'AftercareGranted':
    case 'AftercareDeclinedByYouth':
    case 'AftercareEnded':
      return evolveAftercare(state, fact);
    case 'NotificationOfConcernReceived':
    case 'NotificationOfConcernAssessed':
      return evolveNotification(state, fact);
    case 'InvestigationStarted':
    case 'PreliminaryAssessmentRecorded':
    case 'InvestigationCompleted':
      return evolveInvestigation(state, fact);
  }
}

/** The case's evolve: pure, total, and deterministic, so folding a stream twice gives the same state. */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (!isFactEvent(event)) return evolveObligations(state, event);
  const next = evolveFact(state, event);
  const at = Date.parse(event.occurredAt);
  const last = state.lastFactAt === null ? null : Date.parse(state.lastFactAt);
  const rank = factRank(event.type);
  const latest =
    last === null || at > last
      ? { lastFactAt: event.occurredAt, lastFactRank: rank }
      : at === last
        ? { lastFactAt: state.lastFactAt, lastFactRank: Math.max(state.lastFactRank, rank) }
        : { lastFactAt: state.lastFactAt, lastFactRank: state.lastFactRank };
  return { ...next, facts: { fact: event, previous: state.facts }, ...latest };
}
