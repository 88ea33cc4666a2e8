/**
 * Child welfare investigations (børnefaglig undersøgelse, Barnets lov § 20; Serviceloven § 50 until 2023):
 * completed within 4 months, or else a preliminary assessment (foreløbig vurdering) recorded by then, after
 * which the investigation stays open and must be completed "snarest herefter". The pack reads "snarest" as a
 * second BFU-COMPLETE obligation on the same investigation (sequence 2), due a number of days after the
 * preliminary assessment (rules/dk-youth.ts), so that an overrunning investigation keeps a deadline a
 * supervisor sees.
 */
import type { CompleteInvestigation, RecordPreliminaryAssessment, StartInvestigation } from './commands';
import { domainError, fail, ok, type Result } from './errors';
import type { FactEvent } from './events';
import type { ObligationIntent } from './obligations';
import { notBefore } from './plausible-time';
import type { CaseState, InvestigationState, OpenedCaseState } from './state';
import { notificationOf } from './underretning';
import { identifier, idOrNull, isNewKey, text, validate } from './validation';

type InvestigationFact = Extract<
  FactEvent,
  { type: 'InvestigationStarted' | 'PreliminaryAssessmentRecorded' | 'InvestigationCompleted' }
>;

/** An investigation that is still open at `occurredAt` and that the fact does not precede. */
function openInvestigationAt(
  state: CaseState,
  investigationId: string,
  occurredAt: string,
): Result<InvestigationState> {
  const invalid = identifier(investigationId, 'investigationId');
  if (invalid !== undefined) return fail(invalid);
  const investigation = Object.hasOwn(state.investigations, investigationId)
    ? state.investigations[investigationId]
    : undefined;
  if (investigation === undefined) {
    return fail(
      domainError('investigation-not-found', 'No investigation with this id on the case', 'investigationId'),
    );
  }
  if (investigation.completedAt !== null) {
    return fail(
      domainError(
        'investigation-already-completed',
        'The investigation has already been completed',
        'investigationId',
      ),
    );
  }
  const afterStart = notBefore(occurredAt, {
    type: 'InvestigationStarted',
    id: investigationId,
    at: investigation.startedAt,
  });
  return afterStart === undefined ? ok(investigation) : fail(afterStart);
}

export function decideStartInvestigation(
  command: StartInvestigation,
  state: OpenedCaseState,
): Result<InvestigationFact> {
  const { investigationId, notificationId } = command.data;
  const valid = validate(
    () => identifier(investigationId, 'investigationId'),
    () => isNewKey(state.investigations, investigationId, 'investigationId'),
  );
  if (!valid.ok) return valid;
  if (notificationId !== undefined && notificationId !== null) {
    const notification = notificationOf(state, notificationId);
    if (!notification.ok) return notification;
    const afterReceipt = notBefore(command.occurredAt, {
      type: 'NotificationOfConcernReceived',
      id: notificationId,
      at: notification.value.receivedAt,
    });
    if (afterReceipt !== undefined) return fail(afterReceipt);
  }
  return ok({
    type: 'InvestigationStarted',
    data: { investigationId, notificationId: idOrNull(notificationId) },
    occurredAt: command.occurredAt,
  });
}

export function decideRecordPreliminaryAssessment(
  command: RecordPreliminaryAssessment,
  state: OpenedCaseState,
): Result<InvestigationFact> {
  const { investigationId, reasoning } = command.data;
  const open = openInvestigationAt(state, investigationId, command.occurredAt);
  if (!open.ok) return open;
  if (open.value.preliminaryAssessmentAt !== null) {
    return fail(
      domainError(
        'preliminary-assessment-already-recorded',
        'The investigation already has a preliminary assessment',
        'investigationId',
      ),
    );
  }
  const valid = validate(() => text(reasoning, 'reasoning', 'reasoning-required'));
  if (!valid.ok) return valid;
  return ok({
    type: 'PreliminaryAssessmentRecorded',
    data: { investigationId, reasoning: reasoning.trim() },
    occurredAt: command.occurredAt,
  });
}

export function decideCompleteInvestigation(
  command: CompleteInvestigation,
  state: OpenedCaseState,
): Result<InvestigationFact> {
  const { investigationId } = command.data;
  const open = openInvestigationAt(state, investigationId, command.occurredAt);
  if (!open.ok) return open;
  return ok({ type: 'InvestigationCompleted', data: { investigationId }, occurredAt: command.occurredAt });
}

export function evolveInvestigation(state: CaseState, fact: InvestigationFact): CaseState {
  const { investigationId } = fact.data;
  if (fact.type === 'InvestigationStarted') {
    const started: InvestigationState = {
      startedAt: fact.occurredAt,
      preliminaryAssessmentAt: null,
      completedAt: null,
    };
    return { ...state, investigations: { ...state.investigations, [investigationId]: started } };
  }
  const current = state.investigations[investigationId];
  if (current === undefined) return state;
  const next: InvestigationState =
    fact.type === 'PreliminaryAssessmentRecorded'
      ? { ...current, preliminaryAssessmentAt: fact.occurredAt }
      : { ...current, completedAt: fact.occurredAt };
  return { ...state, investigations: { ...state.investigations, [investigationId]: next } };
}

/**
 * The start opens BFU-COMPLETE; a preliminary assessment fulfils it (rule data) and opens the follow-up, the
 * second BFU-COMPLETE of the investigation; completing the investigation fulfils whichever is open.
 */
export function deriveInvestigation(fact: InvestigationFact): ObligationIntent[] {
  const subject = { kind: 'investigation' as const, id: fact.data.investigationId };
  switch (fact.type) {
    case 'InvestigationStarted':
      return [{ kind: 'open', ruleId: 'BFU-COMPLETE', subject }];
    case 'PreliminaryAssessmentRecorded':
      return [{ kind: 'open', ruleId: 'BFU-COMPLETE', subject, sequence: 2 }];
    case 'InvestigationCompleted':
      return [];
  }
}

export type { InvestigationFact };
