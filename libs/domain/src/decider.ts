import { decideAdoptPlan, decideAssessPlanRevision, decideRevisePlan } from './action-plan';
import {
  decideAssessAftercare,
  decideEndAftercare,
  decideGrantAftercare,
  decideRecordAftercareDeclined,
  decideRequestAftercare,
} from './aftercare';
import { DateOutOfRange } from './calendar';
import { decideEndPlacement, decideOpenCase, decideStartPlacement, decideTransferCase } from './case';
import type { CaseCommand } from './commands';
import {
  decideDecideContactPerson,
  decideEndContactPerson,
  decideRecordFollowUp,
  decideStartContactPerson,
  decideSubmitStatusStatement,
} from './contact-person';
import { rulesForCase, type DecideContext } from './context';
import { deriveObligations } from './derive';
import { domainError, fail, ok, type Result } from './errors';
import type { CaseEvent, FactEvent } from './events';
import {
  decideAssessTargetGroup,
  decideConveneCouncil,
  decideRecordCouncilFollowUp,
  decideRecordCouncilHeld,
  decideRecordCouncilNotHeld,
  decideRecordPoliceDocumentation,
} from './network-council';
import {
  decideCompleteInvestigation,
  decideRecordPreliminaryAssessment,
  decideStartInvestigation,
} from './investigation';
import { decideCheckObligation, decideWaiveObligation } from './obligations';
import { evolveCase } from './evolve';
import { isLateFact, reconcileLateFact } from './late-facts';
import { instantOutOfRange, plausibleOccurredAt, representable } from './plausible-time';
import { isOpened, type CaseState, type OpenedCaseState } from './state';
import { decideAssessNotificationOfConcern, decideRecordNotificationOfConcern } from './underretning';
import { instant, validate } from './validation';

function decideFact(
  command: CaseCommand,
  state: OpenedCaseState,
  ctx: DecideContext,
): Result<FactEvent> | undefined {
  switch (command.type) {
    case 'StartPlacement':
      return decideStartPlacement(command, state);
    case 'EndPlacement':
      return decideEndPlacement(command, state);
    case 'TransferCase':
      return decideTransferCase(command, state);
    case 'RecordPoliceDocumentation':
      return decideRecordPoliceDocumentation(command, state);
    case 'AssessTargetGroup':
      return decideAssessTargetGroup(command, state);
    case 'ConveneCouncil':
      return decideConveneCouncil(command, state);
    case 'RecordCouncilHeld':
      return decideRecordCouncilHeld(command, state);
    case 'RecordCouncilNotHeld':
      return decideRecordCouncilNotHeld(command, state);
    case 'RecordCouncilFollowUp':
      return decideRecordCouncilFollowUp(command, state);
    case 'AdoptPlan':
      return decideAdoptPlan(command, state);
    case 'RevisePlan':
      return decideRevisePlan(command, state);
    case 'AssessPlanRevision':
      return decideAssessPlanRevision(command, state);
    case 'DecideContactPerson':
      return decideDecideContactPerson(command, state);
    case 'StartContactPerson':
      return decideStartContactPerson(command, state);
    case 'RecordFollowUp':
      return decideRecordFollowUp(command, state);
    case 'SubmitStatusStatement':
      return decideSubmitStatusStatement(command, state);
    case 'EndContactPerson':
      return decideEndContactPerson(command, state);
    case 'AssessAftercare':
      return decideAssessAftercare(command, state);
    case 'RequestAftercare':
      return decideRequestAftercare(command, state);
    case 'GrantAftercare':
      return decideGrantAftercare(command, state, rulesForCase(state, ctx, command.occurredAt));
    case 'RecordAftercareDeclined':
      return decideRecordAftercareDeclined(command, state);
    case 'EndAftercare':
      return decideEndAftercare(command, state);
    case 'RecordNotificationOfConcern':
      return decideRecordNotificationOfConcern(command, state);
    case 'AssessNotificationOfConcern':
      return decideAssessNotificationOfConcern(command, state);
    case 'StartInvestigation':
      return decideStartInvestigation(command, state);
    case 'RecordPreliminaryAssessment':
      return decideRecordPreliminaryAssessment(command, state);
    case 'CompleteInvestigation':
      return decideCompleteInvestigation(command, state);
    default:
      return undefined;
  }
}

/**
 * The case decider. Validates the command against the state, then returns the fact it records followed by
 * the obligation events that fact produces (see `deriveObligations`), or a refusal with a stable code and no
 * events. Pure: the clock is `ctx.now`, the law is `ctx.rules`. Every command a caller sends must carry a
 * plausible `occurredAt` (plausible-time.ts); the scheduler's CheckObligation is dated `now` by definition.
 * Total on valid instants: a deadline the calendar cannot represent (past 9999-12-31) is the refusal
 * `instant-out-of-range`, never an exception.
 */
export function decideCase(command: CaseCommand, state: CaseState, ctx: DecideContext): Result<CaseEvent[]> {
  const valid = validate(
    () => instant(ctx.now, 'now'),
    () => instant(command.occurredAt, 'occurredAt'),
    () => representable(command.occurredAt, 'occurredAt'),
    () => (command.type === 'CheckObligation' ? undefined : plausibleOccurredAt(command, state, ctx)),
  );
  if (!valid.ok) return valid;
  try {
    return decideValid(command, state, ctx);
  } catch (error) {
    if (!(error instanceof DateOutOfRange)) throw error;
    return fail(
      instantOutOfRange(
        'occurredAt',
        'A date this fact gives (a deadline, a birthday) falls outside the years the calendar covers',
      ),
    );
  }
}

function decideValid(command: CaseCommand, state: CaseState, ctx: DecideContext): Result<CaseEvent[]> {
  if (command.type === 'OpenCase') return withObligations(decideOpenCase(command, state), state, ctx);
  if (!isOpened(state)) return fail(domainError('case-not-opened', 'The case has not been opened'));
  switch (command.type) {
    case 'CheckObligation':
      return decideCheckObligation(command, state, ctx);
    case 'WaiveObligation':
      return decideWaiveObligation(command, state);
    default: {
      const fact = decideFact(command, state, ctx);
      return fact === undefined
        ? fail(domainError('unknown-command', 'The command type is not known', 'type'))
        : withObligations(fact, state, ctx);
    }
  }
}

/** The fact, what it derives, and, for a fact posted late, what it changes about earlier facts (late-facts.ts). */
function withObligations(fact: Result<FactEvent>, state: CaseState, ctx: DecideContext): Result<CaseEvent[]> {
  if (!fact.ok) return fact;
  const events: CaseEvent[] = [fact.value, ...deriveObligations(state, fact.value, ctx)];
  if (!isLateFact(fact.value, state)) return ok(events);
  return ok([...events, ...reconcileLateFact(events.reduce(evolveCase, state), fact.value, ctx)]);
}
