import type { FactType } from './events';

/**
 * Where a fact stands in the chain of facts that answer one another, for facts dated at the same instant: a
 * cause before what answers it (a police documentation before its convocation, a convocation before the council
 * held, a start before its follow-up, everything before an end). Business time orders facts; this breaks its ties,
 * so that the order the facts were posted in never decides what they open (late-facts.ts). Dates without a time
 * of day make ties common: an integration that sends "2025-03-10" for both the notification and the convocation
 * means the convocation answered the notification.
 */
const RANK: Readonly<Record<FactType, number>> = {
  CaseOpened: 0,
  CaseTransferred: 0,
  PoliceDocumentationReceived: 0,
  PlacementStarted: 0,
  ContactPersonDecided: 0,
  NotificationOfConcernReceived: 0,
  InvestigationStarted: 0,
  TargetGroupAssessed: 1,
  CouncilConvened: 1,
  ContactPersonStarted: 1,
  PlanAdopted: 1,
  AftercareAssessed: 1,
  AftercareRequested: 1,
  NotificationOfConcernAssessed: 1,
  PreliminaryAssessmentRecorded: 1,
  CouncilHeld: 2,
  CouncilNotHeld: 2,
  FollowUpRecorded: 2,
  StatusStatementSubmitted: 2,
  PlanRevised: 2,
  AftercareGranted: 2,
  AftercareDeclinedByYouth: 2,
  InvestigationCompleted: 2,
  CouncilFollowUpRecorded: 3,
  PlanRevisionAssessed: 3,
  PlacementEnded: 4,
  ContactPersonEnded: 4,
  AftercareEnded: 4,
};

export function factRank(type: FactType): number {
  return RANK[type];
}
