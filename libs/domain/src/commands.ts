import type { LocalDate } from './calendar';
import type {
  ContactPersonEndReason,
  CouncilNotHeldReason,
  CouncilPerson,
  OffenceCategory,
  PersonReference,
  PlanAssessmentOutcome,
  PlanKind,
  PlanRevisionReason,
  PoliceDocumentationKind,
} from './events';

/**
 * A command as the domain sees it. `occurredAt` is business time from the caller (ISO UTC); the case's
 * municipality always comes from the case state, never from the command (except when opening the case).
 */
export interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly occurredAt: string;
}

/** Optional scope fields of plan commands; omitted means "the whole case". */
export interface PlanScopeInput {
  councilId?: string | null;
  documentationId?: string | null;
  measureId?: string | null;
}

export type OpenCase = Command<
  'OpenCase',
  { caseId: string; municipality: string; birthDate: LocalDate; person: PersonReference | null }
>;
export type StartPlacement = Command<'StartPlacement', { placementId: string }>;
export type EndPlacement = Command<'EndPlacement', { placementId: string; reason?: string | null }>;
export type TransferCase = Command<'TransferCase', { toMunicipality: string }>;

export type RecordPoliceDocumentation = Command<
  'RecordPoliceDocumentation',
  { documentationId: string; kind: PoliceDocumentationKind; offenceCategories: OffenceCategory[] }
>;
export type AssessTargetGroup = Command<
  'AssessTargetGroup',
  { documentationId: string; inTargetGroup: boolean; reasoning: string }
>;
export type ConveneCouncil = Command<
  'ConveneCouncil',
  { councilId: string; documentationId?: string | null; invitees: CouncilPerson[]; meetingDate: LocalDate }
>;
export type RecordCouncilHeld = Command<
  'RecordCouncilHeld',
  { councilId: string; participants: CouncilPerson[]; agreements: string[] }
>;
export type RecordCouncilNotHeld = Command<
  'RecordCouncilNotHeld',
  { councilId: string; reason: CouncilNotHeldReason; note?: string }
>;
export type RecordCouncilFollowUp = Command<'RecordCouncilFollowUp', { councilId: string; note?: string }>;

export type AdoptPlan = Command<'AdoptPlan', { planId: string; kind?: PlanKind } & PlanScopeInput>;
export type RevisePlan = Command<
  'RevisePlan',
  { planId: string; reason: PlanRevisionReason } & PlanScopeInput
>;
export type AssessPlanRevision = Command<
  'AssessPlanRevision',
  {
    planId?: string | null;
    occasion: PlanRevisionReason;
    outcome: PlanAssessmentOutcome;
    reasoning: string;
  } & PlanScopeInput
>;

export type DecideContactPerson = Command<
  'DecideContactPerson',
  { measureId: string; planRequired?: boolean }
>;
export type StartContactPerson = Command<'StartContactPerson', { measureId: string }>;
export type RecordFollowUp = Command<
  'RecordFollowUp',
  { measureId: string; nextIntervalMonths?: number | null }
>;
export type SubmitStatusStatement = Command<
  'SubmitStatusStatement',
  { measureId: string; youthOwnWords: string }
>;
export type EndContactPerson = Command<
  'EndContactPerson',
  { measureId: string; reason: ContactPersonEndReason; note?: string }
>;

export type AssessAftercare = Command<
  'AssessAftercare',
  { requestId?: string | null; offered: boolean; content?: string; reasoning?: string }
>;
export type RequestAftercare = Command<'RequestAftercare', { requestId: string }>;
export type GrantAftercare = Command<
  'GrantAftercare',
  { aftercareId: string; requestId?: string | null; startDate: LocalDate; content?: string }
>;
export type RecordAftercareDeclined = Command<
  'RecordAftercareDeclined',
  { requestId?: string | null; note?: string }
>;
export type EndAftercare = Command<'EndAftercare', { aftercareId: string; reason?: string }>;

export type RecordNotificationOfConcern = Command<'RecordNotificationOfConcern', { notificationId: string }>;
export type AssessNotificationOfConcern = Command<
  'AssessNotificationOfConcern',
  { notificationId: string; acuteMeasuresNeeded: boolean; reasoning: string }
>;
export type StartInvestigation = Command<
  'StartInvestigation',
  { investigationId: string; notificationId?: string | null }
>;
export type RecordPreliminaryAssessment = Command<
  'RecordPreliminaryAssessment',
  { investigationId: string; reasoning: string }
>;
export type CompleteInvestigation = Command<'CompleteInvestigation', { investigationId: string }>;

/** Sent by the scheduler at the warning and due instants; harmless when early, late or repeated. */
export type CheckObligation = Command<'CheckObligation', { obligationId: string }>;
export type WaiveObligation = Command<
  'WaiveObligation',
  { obligationId: string; by: { actorId: string; role: string }; justification: string }
>;

export type CaseCommand =
  | OpenCase
  | StartPlacement
  | EndPlacement
  | TransferCase
  | RecordPoliceDocumentation
  | AssessTargetGroup
  | ConveneCouncil
  | RecordCouncilHeld
  | RecordCouncilNotHeld
  | RecordCouncilFollowUp
  | AdoptPlan
  | RevisePlan
  | AssessPlanRevision
  | DecideContactPerson
  | StartContactPerson
  | RecordFollowUp
  | SubmitStatusStatement
  | EndContactPerson
  | AssessAftercare
  | RequestAftercare
  | GrantAftercare
  | RecordAftercareDeclined
  | EndAftercare
  | RecordNotificationOfConcern
  | AssessNotificationOfConcern
  | StartInvestigation
  | RecordPreliminaryAssessment
  | CompleteInvestigation
  | CheckObligation
  | WaiveObligation;
