import { evolveActionPlan } from './action-plan';
import { evolveAftercare } from './aftercare';
import { evolveCaseFacts } from './case';
import { evolveContactPerson } from './contact-person';
import { isFactEvent, type CaseEvent, type FactEvent } from './events';
import { evolveNetworkCouncil } from './network-council';
import { evolveObligations } from './obligations';
import type { CaseState } from './state';

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
  }
}

/** The case's evolve: pure, total, and deterministic, so folding a stream twice gives the same state. */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  return isFactEvent(event) ? evolveFact(state, event) : evolveObligations(state, event);
}
