/**
 * Aftercare (efterværn, from 2024 "ungestøtte"): Serviceloven § 76, Barnets lov §§ 111, 113-116. The window is
 * [18th birthday, 23rd birthday); a youth who was placed or had a fixed contact person immediately before the
 * 18th birthday is eligible, and may say no and come back until the 23rd birthday.
 */
import { compareLocalDates, localDateOf } from './calendar';
import type {
  AssessAftercare,
  EndAftercare,
  GrantAftercare,
  RecordAftercareDeclined,
  RequestAftercare,
} from './commands';
import { domainError, fail, ok, type Result } from './errors';
import type { FactEvent } from './events';
import type { ObligationIntent } from './obligations';
import { birthday, isUnder } from './people';
import { notBefore, type Cause } from './plausible-time';
import type { ResolvedRules } from './rules/resolve';
import {
  hasActiveContactPerson,
  hasActivePlacement,
  type CaseState,
  type OpenedCaseState,
  type ObligationState,
} from './state';
import { supportedElsewhereAt, type YouthHistory } from './youth-history';
import {
  boolean,
  identifier,
  idOrNull,
  isNewKey,
  localDate,
  optionalIdentifier,
  text,
  textOrEmpty,
  validate,
} from './validation';

type AftercareFact = Extract<
  FactEvent,
  {
    type:
      | 'AftercareAssessed'
      | 'AftercareRequested'
      | 'AftercareGranted'
      | 'AftercareDeclinedByYouth'
      | 'AftercareEnded';
  }
>;

function knownRequest(state: CaseState, requestId: string | null | undefined) {
  return () =>
    requestId === undefined || requestId === null || Object.hasOwn(state.aftercareRequests, requestId)
      ? undefined
      : domainError('request-not-found', 'No aftercare request with this id on the case', 'requestId');
}

/** The request a decision answers, if it names one the case holds. */
function requestCause(state: CaseState, requestId: string | null | undefined): Cause | undefined {
  if (requestId === undefined || requestId === null) return undefined;
  const request = Object.hasOwn(state.aftercareRequests, requestId)
    ? state.aftercareRequests[requestId]
    : undefined;
  return request === undefined
    ? undefined
    : { type: 'AftercareRequested', id: requestId, at: request.requestedAt };
}

export function decideAssessAftercare(
  command: AssessAftercare,
  state: OpenedCaseState,
): Result<AftercareFact> {
  const { requestId, offered, content, reasoning } = command.data;
  const valid = validate(
    () => optionalIdentifier(requestId, 'requestId'),
    knownRequest(state, requestId),
    () => notBefore(command.occurredAt, requestCause(state, requestId)),
    () => boolean(offered, 'offered'),
    () =>
      offered
        ? text(content, 'content', 'content-required')
        : text(reasoning, 'reasoning', 'reasoning-required'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'AftercareAssessed',
    data: {
      requestId: idOrNull(requestId),
      offered,
      content: textOrEmpty(content),
      reasoning: textOrEmpty(reasoning),
    },
    occurredAt: command.occurredAt,
  });
}

export function decideRequestAftercare(
  command: RequestAftercare,
  state: OpenedCaseState,
): Result<AftercareFact> {
  const valid = validate(
    () => identifier(command.data.requestId, 'requestId'),
    () => isNewKey(state.aftercareRequests, command.data.requestId, 'requestId'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'AftercareRequested',
    data: { requestId: command.data.requestId },
    occurredAt: command.occurredAt,
  });
}

/** Refused, with nothing stored, when the start (or the decision) is on or after the 23rd birthday. */
export function decideGrantAftercare(
  command: GrantAftercare,
  state: OpenedCaseState,
  rules: ResolvedRules,
): Result<AftercareFact> {
  const { aftercareId, requestId, startDate, content } = command.data;
  const valid = validate(
    () => identifier(aftercareId, 'aftercareId'),
    () => isNewKey(state.aftercare, aftercareId, 'aftercareId'),
    () => optionalIdentifier(requestId, 'requestId'),
    knownRequest(state, requestId),
    () => notBefore(command.occurredAt, requestCause(state, requestId)),
    () => localDate(startDate, 'startDate'),
  );
  if (!valid.ok) return valid;
  const rule = rules.pack.leapDayBirthdayRule;
  const turns18 = birthday(state.birthDate, 18, rule);
  const turns23 = birthday(state.birthDate, 23, rule);
  if (
    compareLocalDates(startDate, turns23) >= 0 ||
    compareLocalDates(localDateOf(command.occurredAt), turns23) >= 0
  ) {
    return fail(
      domainError(
        'aftercare-window-closed',
        'Aftercare can only be granted to start before the 23rd birthday, and decided before it',
        'startDate',
      ),
    );
  }
  if (compareLocalDates(startDate, turns18) < 0) {
    return fail(
      domainError('aftercare-window-not-open', 'Aftercare starts on or after the 18th birthday', 'startDate'),
    );
  }
  return ok({
    type: 'AftercareGranted',
    data: { aftercareId, requestId: idOrNull(requestId), startDate, content: textOrEmpty(content) },
    occurredAt: command.occurredAt,
  });
}

export function decideRecordAftercareDeclined(
  command: RecordAftercareDeclined,
  state: OpenedCaseState,
): Result<AftercareFact> {
  const { requestId, note } = command.data;
  const valid = validate(
    () => optionalIdentifier(requestId, 'requestId'),
    knownRequest(state, requestId),
    () => notBefore(command.occurredAt, requestCause(state, requestId)),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'AftercareDeclinedByYouth',
    data: { requestId: idOrNull(requestId), note: textOrEmpty(note) },
    occurredAt: command.occurredAt,
  });
}

export function decideEndAftercare(command: EndAftercare, state: OpenedCaseState): Result<AftercareFact> {
  const { aftercareId, reason } = command.data;
  const valid = validate(() => identifier(aftercareId, 'aftercareId'));
  if (!valid.ok) return valid;
  const aftercare = Object.hasOwn(state.aftercare, aftercareId) ? state.aftercare[aftercareId] : undefined;
  if (aftercare === undefined) {
    return fail(
      domainError('aftercare-not-found', 'No granted aftercare with this id on the case', 'aftercareId'),
    );
  }
  if (aftercare.endedAt !== null) {
    return fail(domainError('aftercare-already-ended', 'This aftercare has already ended', 'aftercareId'));
  }
  // Against the grant, not the planned start date: support needs the youth's consent, which the youth may
  // withdraw before the support begins.
  const afterGrant = notBefore(command.occurredAt, {
    type: 'AftercareGranted',
    id: aftercareId,
    at: aftercare.grantedAt,
  });
  if (afterGrant !== undefined) return fail(afterGrant);
  return ok({
    type: 'AftercareEnded',
    data: { aftercareId, reason: textOrEmpty(reason) },
    occurredAt: command.occurredAt,
  });
}

export function evolveAftercare(state: CaseState, fact: AftercareFact): CaseState {
  switch (fact.type) {
    case 'AftercareRequested':
      return {
        ...state,
        aftercareRequests: {
          ...state.aftercareRequests,
          [fact.data.requestId]: { requestedAt: fact.occurredAt },
        },
      };
    case 'AftercareGranted':
      return {
        ...state,
        aftercare: {
          ...state.aftercare,
          [fact.data.aftercareId]: {
            grantedAt: fact.occurredAt,
            startDate: fact.data.startDate,
            endedAt: null,
          },
        },
      };
    case 'AftercareEnded': {
      const current = state.aftercare[fact.data.aftercareId];
      return current === undefined
        ? state
        : {
            ...state,
            aftercare: {
              ...state.aftercare,
              [fact.data.aftercareId]: { ...current, endedAt: fact.occurredAt },
            },
          };
    }
    default:
      return state;
  }
}

function aftercareAssessments(state: CaseState): ObligationState[] {
  return Object.values(state.obligations).filter((obligation) => obligation.ruleId === 'AC-ASSESS');
}

/**
 * AC-ASSESS when a placement or a contact person starts before the 18th birthday. One assessment per case; a new
 * one only opens after the previous was cancelled because the youth was no longer eligible.
 */
export function aftercareAssessmentIntents(
  state: CaseState,
  fact: FactEvent,
  rules: ResolvedRules,
): ObligationIntent[] {
  if (state.birthDate === null || state.caseId === null) return [];
  const previous = aftercareAssessments(state);
  if (previous.some((obligation) => obligation.status !== 'cancelled')) return [];
  if (!isUnder(18, state.birthDate, localDateOf(fact.occurredAt), rules.pack.leapDayBirthdayRule)) return [];
  return [
    {
      kind: 'open',
      ruleId: 'AC-ASSESS',
      subject: { kind: 'case', id: state.caseId },
      sequence: previous.length === 0 ? undefined : previous.length + 1,
      due: { birthDate: state.birthDate },
    },
  ];
}

/** Cancels an open AC-ASSESS once the youth is neither placed nor has an active contact person. */
export function aftercareEligibilityIntents(after: CaseState): ObligationIntent[] {
  if (hasActivePlacement(after) || hasActiveContactPerson(after)) return [];
  return aftercareAssessments(after)
    .filter((obligation) => obligation.status === 'open')
    .map((obligation) => ({
      kind: 'cancel' as const,
      obligationId: obligation.obligationId,
      reason: 'the youth is no longer placed and has no contact person',
    }));
}

/**
 * Eligibility is the youth's, not the case's: an AC-ASSESS stays open while the youth is placed or has a contact
 * person in another of their cases in the municipality at the time of the fact that ended this case's support.
 */
export function eligibleThroughOtherCases(
  intents: readonly ObligationIntent[],
  fact: FactEvent,
  history: YouthHistory,
): ObligationIntent[] {
  if (!supportedElsewhereAt(history, fact.occurredAt)) return [...intents];
  return intents.filter(
    (intent) => !(intent.kind === 'cancel' && intent.obligationId.startsWith('AC-ASSESS:')),
  );
}

export function deriveAftercare(
  state: OpenedCaseState,
  fact: AftercareFact,
  rules: ResolvedRules,
): ObligationIntent[] {
  switch (fact.type) {
    case 'AftercareRequested':
      if (!isUnder(23, state.birthDate, localDateOf(fact.occurredAt), rules.pack.leapDayBirthdayRule)) {
        return [
          {
            kind: 'not-opened',
            ruleId: 'AC-DECIDE',
            reason: 'age-23-or-over-at-request',
            message:
              'The request was received on or after the 23rd birthday, when aftercare can no longer be granted',
          },
        ];
      }
      return [{ kind: 'open', ruleId: 'AC-DECIDE', subject: { kind: 'request', id: fact.data.requestId } }];
    case 'AftercareGranted':
      return [
        {
          kind: 'open',
          ruleId: 'AC-END',
          subject: { kind: 'aftercare', id: fact.data.aftercareId },
          due: { birthDate: state.birthDate },
        },
      ];
    default:
      return [];
  }
}

export type { AftercareFact };
