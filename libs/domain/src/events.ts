import type { LocalDate } from './calendar';

/**
 * A domain event as the domain sees it: what happened and when it happened in business time. The shell
 * adds `id` and metadata (recordedAt, actor, municipality, correlation) when it appends.
 */
export interface Event<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  /** ISO-8601 UTC (`Z`), business time supplied by the caller; every deadline is computed from it. */
  readonly occurredAt: string;
}

/** Ciphertext and keyed hash of the CPR number, produced outside the domain; the domain never sees the number. */
export interface PersonReference {
  readonly cprCiphertext: string;
  readonly cprLookupHash: string;
}

// ---------------------------------------------------------------- case

export type CaseOpened = Event<
  'CaseOpened',
  { caseId: string; municipality: string; birthDate: LocalDate; person: PersonReference | null }
>;
export type PlacementStarted = Event<'PlacementStarted', { placementId: string }>;
export type PlacementEnded = Event<'PlacementEnded', { placementId: string; reason: string | null }>;
export type CaseTransferred = Event<'CaseTransferred', { fromMunicipality: string; toMunicipality: string }>;

// ---------------------------------------------------------------- network council

export const POLICE_DOCUMENTATION_KINDS = [
  'interview-invitation',
  'youth-list',
  'weekly-report',
  'other',
] as const;
export type PoliceDocumentationKind = (typeof POLICE_DOCUMENTATION_KINDS)[number];

export const OFFENCE_CATEGORIES = [
  'violence',
  'threats',
  'burglary',
  'robbery',
  'serious-vandalism',
  'theft',
  'sexual-offence',
  'arson',
  'weapons',
  'extortion',
  'deprivation-of-liberty',
  'other',
] as const;
export type OffenceCategory = (typeof OFFENCE_CATEGORIES)[number];

export const INVITEE_ROLES = ['youth', 'custody-holder', 'network-person', 'professional'] as const;
export type InviteeRole = (typeof INVITEE_ROLES)[number];

/** A person at a council, by role only: names are personal data and stay in the case system. */
export interface CouncilPerson {
  readonly role: InviteeRole;
  readonly description?: string;
}

export const COUNCIL_NOT_HELD_REASONS = [
  'youth-declined',
  'parents-declined',
  'no-show',
  'not-relevant',
  'handled-elsewhere',
  'other',
] as const;
export type CouncilNotHeldReason = (typeof COUNCIL_NOT_HELD_REASONS)[number];

/** Received at `occurredAt`. */
export type PoliceDocumentationReceived = Event<
  'PoliceDocumentationReceived',
  { documentationId: string; kind: PoliceDocumentationKind; offenceCategories: OffenceCategory[] }
>;
export type TargetGroupAssessed = Event<
  'TargetGroupAssessed',
  { documentationId: string; inTargetGroup: boolean; reasoning: string }
>;
/** The invitation was sent at `occurredAt`. */
export type CouncilConvened = Event<
  'CouncilConvened',
  { councilId: string; documentationId: string | null; invitees: CouncilPerson[]; meetingDate: LocalDate }
>;
export type CouncilHeld = Event<
  'CouncilHeld',
  { councilId: string; participants: CouncilPerson[]; agreements: string[] }
>;
export type CouncilNotHeld = Event<
  'CouncilNotHeld',
  { councilId: string; reason: CouncilNotHeldReason; note: string }
>;
export type CouncilFollowUpRecorded = Event<'CouncilFollowUpRecorded', { councilId: string; note: string }>;

// ---------------------------------------------------------------- action plan

export const PLAN_REVISION_REASONS = ['follow-up-outcome', 're-offence', 'changed-needs'] as const;
export type PlanRevisionReason = (typeof PLAN_REVISION_REASONS)[number];
export const PLAN_KINDS = ['action-plan', 'preliminary-action-plan', 'child-plan', 'youth-plan'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
export const PLAN_ASSESSMENT_OUTCOMES = ['no-change-needed', 'measures-changed'] as const;
export type PlanAssessmentOutcome = (typeof PLAN_ASSESSMENT_OUTCOMES)[number];

/** What a plan fact is about; a plan fact that names nothing applies to the whole case. */
export interface PlanScope {
  readonly councilId: string | null;
  readonly documentationId: string | null;
  readonly measureId: string | null;
}

export type PlanAdopted = Event<'PlanAdopted', { planId: string; kind: PlanKind } & PlanScope>;
export type PlanRevised = Event<'PlanRevised', { planId: string; reason: PlanRevisionReason } & PlanScope>;
export type PlanRevisionAssessed = Event<
  'PlanRevisionAssessed',
  {
    planId: string | null;
    occasion: PlanRevisionReason;
    outcome: PlanAssessmentOutcome;
    reasoning: string;
  } & PlanScope
>;

// ---------------------------------------------------------------- contact person

export const CONTACT_PERSON_END_REASONS = [
  'goal-met',
  'youth-declined',
  'no-benefit',
  'replaced',
  'other',
] as const;
export type ContactPersonEndReason = (typeof CONTACT_PERSON_END_REASONS)[number];

export type ContactPersonDecided = Event<
  'ContactPersonDecided',
  {
    measureId: string;
    /** Barnets lov § 91: the municipality decides whether to make a plan; under SEL § 140 a plan is always required. */
    planRequired: boolean;
  }
>;
export type ContactPersonStarted = Event<'ContactPersonStarted', { measureId: string }>;
export type FollowUpRecorded = Event<
  'FollowUpRecorded',
  {
    measureId: string;
    /** Barnets lov lets the municipality decide the interval to the next follow-up; null keeps the current one. */
    nextIntervalMonths: number | null;
  }
>;
export type StatusStatementSubmitted = Event<
  'StatusStatementSubmitted',
  { measureId: string; youthOwnWords: string }
>;
export type ContactPersonEnded = Event<
  'ContactPersonEnded',
  { measureId: string; reason: ContactPersonEndReason; note: string }
>;

// ---------------------------------------------------------------- aftercare

export type AftercareAssessed = Event<
  'AftercareAssessed',
  { requestId: string | null; offered: boolean; content: string; reasoning: string }
>;
export type AftercareRequested = Event<'AftercareRequested', { requestId: string }>;
export type AftercareGranted = Event<
  'AftercareGranted',
  { aftercareId: string; requestId: string | null; startDate: LocalDate; content: string }
>;
export type AftercareDeclinedByYouth = Event<
  'AftercareDeclinedByYouth',
  { requestId: string | null; note: string }
>;
export type AftercareEnded = Event<'AftercareEnded', { aftercareId: string; reason: string }>;

// ---------------------------------------------------------------- notifications of concern and investigations

/** A notification of concern (underretning) received at `occurredAt`; who sent it is not recorded here. */
export type NotificationOfConcernReceived = Event<
  'NotificationOfConcernReceived',
  { notificationId: string }
>;
/** Whether the child's health or development is at risk so that acute measures are needed, and why. */
export type NotificationOfConcernAssessed = Event<
  'NotificationOfConcernAssessed',
  { notificationId: string; acuteMeasuresNeeded: boolean; reasoning: string }
>;
/** A child welfare investigation (børnefaglig undersøgelse) started; `occurredAt` is when the 4 months start. */
export type InvestigationStarted = Event<
  'InvestigationStarted',
  { investigationId: string; notificationId: string | null }
>;
/** The preliminary assessment (foreløbig vurdering) an investigation that overruns its 4 months needs. */
export type PreliminaryAssessmentRecorded = Event<
  'PreliminaryAssessmentRecorded',
  { investigationId: string; reasoning: string }
>;
export type InvestigationCompleted = Event<'InvestigationCompleted', { investigationId: string }>;

/** Everything that happened in the world. Obligations are derived from these and only these. */
export type FactEvent =
  | CaseOpened
  | PlacementStarted
  | PlacementEnded
  | CaseTransferred
  | PoliceDocumentationReceived
  | TargetGroupAssessed
  | CouncilConvened
  | CouncilHeld
  | CouncilNotHeld
  | CouncilFollowUpRecorded
  | PlanAdopted
  | PlanRevised
  | PlanRevisionAssessed
  | ContactPersonDecided
  | ContactPersonStarted
  | FollowUpRecorded
  | StatusStatementSubmitted
  | ContactPersonEnded
  | AftercareAssessed
  | AftercareRequested
  | AftercareGranted
  | AftercareDeclinedByYouth
  | AftercareEnded
  | NotificationOfConcernReceived
  | NotificationOfConcernAssessed
  | InvestigationStarted
  | PreliminaryAssessmentRecorded
  | InvestigationCompleted;

export type FactType = FactEvent['type'];

export const FACT_TYPES: readonly FactType[] = [
  'CaseOpened',
  'PlacementStarted',
  'PlacementEnded',
  'CaseTransferred',
  'PoliceDocumentationReceived',
  'TargetGroupAssessed',
  'CouncilConvened',
  'CouncilHeld',
  'CouncilNotHeld',
  'CouncilFollowUpRecorded',
  'PlanAdopted',
  'PlanRevised',
  'PlanRevisionAssessed',
  'ContactPersonDecided',
  'ContactPersonStarted',
  'FollowUpRecorded',
  'StatusStatementSubmitted',
  'ContactPersonEnded',
  'AftercareAssessed',
  'AftercareRequested',
  'AftercareGranted',
  'AftercareDeclinedByYouth',
  'AftercareEnded',
  'NotificationOfConcernReceived',
  'NotificationOfConcernAssessed',
  'InvestigationStarted',
  'PreliminaryAssessmentRecorded',
  'InvestigationCompleted',
];

// ---------------------------------------------------------------- obligations

export type Basis = 'statute' | 'guidance' | 'municipal-standard';

export type SubjectKind =
  | 'case'
  | 'documentation'
  | 'council'
  | 'measure'
  | 'request'
  | 'aftercare'
  | 'notification'
  | 'investigation'
  | 'placement';

/** What an obligation is about: the case as a whole, or one notification, council, measure, ... */
export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
}

/** Matches a fact by type and, optionally, by exact values of some of its data fields. */
export interface FactMatcher {
  readonly fact: FactType;
  readonly where?: Readonly<Record<string, string | boolean>>;
}

/** A fact as referred to from an obligation: its type and a key that is stable across replays. */
export interface FactRef {
  readonly type: FactType;
  readonly key: string;
}

/** A fact that may lie in another case of the same youth: the case, the fact's type and key, and its time. */
export interface EarlierFact {
  readonly caseId: string;
  readonly type: FactType;
  readonly key: string;
  readonly occurredAt: string;
}

export interface RulePackRef {
  readonly id: string;
  readonly version: string;
}

export type ObligationOpened = Event<
  'ObligationOpened',
  {
    obligationId: string;
    ruleId: string;
    variant: string;
    title: string;
    subject: Subject;
    /** The instant alerts and breach detection use: the rolled due where roll-forward is on, else the strict one. */
    dueAt: string | null;
    dueDate: LocalDate | null;
    strictDueAt: string | null;
    strictDueDate: LocalDate | null;
    rolledDueAt: string | null;
    rolledDueDate: LocalDate | null;
    /** True where the computed due lay before the triggering fact and was moved to the end of its local day. */
    dueClamped: boolean;
    warnAt: string | null;
    basis: Basis;
    citation: string;
    citationVerified: boolean;
    rulePack: RulePackRef;
    municipality: string;
    triggeredBy: FactRef;
    fulfilledBy: FactMatcher[];
    cancelledBy: FactMatcher[];
    /** The earlier fact the rule looked at, in this or another case of the youth (NSR-REOFFENCE: the council). */
    refersTo?: EarlierFact;
    /** Present when opened because a fact posted late changed what `triggeredBy` should have opened. */
    lateFact?: FactRef;
  }
>;
export type ObligationDueSoon = Event<
  'ObligationDueSoon',
  { obligationId: string; dueAt: string; warnAt: string; detectedAt: string }
>;
export type ObligationBreached = Event<
  'ObligationBreached',
  { obligationId: string; dueAt: string; detectedAt: string }
>;
export type ObligationFulfilled = Event<
  'ObligationFulfilled',
  { obligationId: string; onTime: boolean; late: boolean; by: FactRef; fulfilledAt: string }
>;
export type ObligationCancelled = Event<
  'ObligationCancelled',
  { obligationId: string; reason: string; by: FactRef }
>;
export type ObligationWaived = Event<
  'ObligationWaived',
  { obligationId: string; by: { actorId: string; role: 'supervisor' }; justification: string }
>;
/** Recorded where a fact would have opened an obligation but the rule does not apply, so the response can say why. */
export type ObligationNotOpened = Event<
  'ObligationNotOpened',
  { ruleId: string; reason: string; message: string; triggeredBy: FactRef }
>;

export type ObligationEvent =
  | ObligationOpened
  | ObligationDueSoon
  | ObligationBreached
  | ObligationFulfilled
  | ObligationCancelled
  | ObligationWaived
  | ObligationNotOpened;

export type CaseEvent = FactEvent | ObligationEvent;
/** The domain event type of a case stream. */
export type DomainEvent = CaseEvent;

export function isFactEvent(event: CaseEvent): event is FactEvent {
  return (FACT_TYPES as readonly string[]).includes(event.type);
}
