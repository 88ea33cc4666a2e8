/**
 * Network councils (netværkssamråd): Serviceloven § 57 c from 1 October 2014, Barnets lov from 2024. Police
 * documentation that a youth under 18 is suspected of serious crime obliges the municipality to convene (send
 * the invitation, not hold the meeting) within 7 days; within a year of a held council, new documentation
 * instead obliges it to assess the action plan. Before 1 October 2014 the same notification required a
 * preliminary action plan (foreløbig handleplan) within 7 days.
 */
import { addYears, compareLocalDates, localDateOf } from './calendar';
import type {
  AssessTargetGroup,
  ConveneCouncil,
  RecordCouncilFollowUp,
  RecordCouncilHeld,
  RecordCouncilNotHeld,
  RecordPoliceDocumentation,
} from './commands';
import { domainError, fail, ok, type Result } from './errors';
import {
  COUNCIL_NOT_HELD_REASONS,
  INVITEE_ROLES,
  OFFENCE_CATEGORIES,
  POLICE_DOCUMENTATION_KINDS,
  type CouncilPerson,
  type FactEvent,
} from './events';
import type { ObligationIntent } from './obligations';
import { isUnder } from './people';
import { notBefore, withinPlanningHorizon, type Cause } from './plausible-time';
import { findRule, type ResolvedRules } from './rules/resolve';
import type { CaseState, CouncilState, OpenedCaseState } from './state';
import {
  heldCouncilRef,
  NO_YOUTH_HISTORY,
  youthHistoryOf,
  type HeldCouncil,
  type YouthHistory,
} from './youth-history';
import {
  boolean,
  identifier,
  idOrNull,
  isNewKey,
  localDate,
  oneOf,
  optionalIdentifier,
  text,
  textOrEmpty,
  validate,
  type Check,
} from './validation';

type NetworkCouncilFact = Extract<
  FactEvent,
  {
    type:
      | 'PoliceDocumentationReceived'
      | 'TargetGroupAssessed'
      | 'CouncilConvened'
      | 'CouncilHeld'
      | 'CouncilNotHeld'
      | 'CouncilFollowUpRecorded';
  }
>;

const ms = (value: string): number => Date.parse(value);

function people(value: unknown, field: string, required: boolean): Check {
  if (!Array.isArray(value) || (required && value.length === 0)) {
    return domainError(`${field}-required`, `${field} must list at least one person by role`, field);
  }
  for (const person of value as unknown[]) {
    const error = oneOf((person as CouncilPerson | null)?.role, INVITEE_ROLES, `${field}.role`);
    if (error !== undefined) return error;
  }
  return undefined;
}

function copyPeople(list: readonly CouncilPerson[]): CouncilPerson[] {
  return list.map((person) =>
    person.description === undefined
      ? { role: person.role }
      : { role: person.role, description: person.description },
  );
}

function knownDocumentation(state: CaseState, documentationId: string | null | undefined) {
  return (): Check =>
    documentationId === undefined ||
    documentationId === null ||
    Object.hasOwn(state.documentation, documentationId)
      ? undefined
      : domainError(
          'documentation-not-found',
          'No police documentation with this id on the case',
          'documentationId',
        );
}

/** The police documentation a fact answers, if it names one the case holds. */
function documentationCause(state: CaseState, documentationId: string | null | undefined): Cause | undefined {
  if (documentationId === undefined || documentationId === null) return undefined;
  const documentation = Object.hasOwn(state.documentation, documentationId)
    ? state.documentation[documentationId]
    : undefined;
  return documentation === undefined
    ? undefined
    : { type: 'PoliceDocumentationReceived', id: documentationId, at: documentation.receivedAt };
}

export function decideRecordPoliceDocumentation(
  command: RecordPoliceDocumentation,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { documentationId, kind, offenceCategories } = command.data;
  const valid = validate(
    () => identifier(documentationId, 'documentationId'),
    () => isNewKey(state.documentation, documentationId, 'documentationId'),
    () => oneOf(kind, POLICE_DOCUMENTATION_KINDS, 'kind'),
    () =>
      Array.isArray(offenceCategories) && offenceCategories.length > 0
        ? offenceCategories
            .map((category) => oneOf(category, OFFENCE_CATEGORIES, 'offenceCategories'))
            .find(Boolean)
        : domainError(
            'offence-category-required',
            'offenceCategories must name at least one category',
            'offenceCategories',
          ),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'PoliceDocumentationReceived',
    data: { documentationId, kind, offenceCategories: [...new Set(offenceCategories)] },
    occurredAt: command.occurredAt,
  });
}

export function decideAssessTargetGroup(
  command: AssessTargetGroup,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { documentationId, inTargetGroup, reasoning } = command.data;
  const valid = validate(
    () => identifier(documentationId, 'documentationId'),
    knownDocumentation(state, documentationId),
    () => notBefore(command.occurredAt, documentationCause(state, documentationId)),
    () => boolean(inTargetGroup, 'inTargetGroup'),
    () => (inTargetGroup ? undefined : text(reasoning, 'reasoning', 'reasoning-required')),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'TargetGroupAssessed',
    data: { documentationId, inTargetGroup, reasoning: textOrEmpty(reasoning) },
    occurredAt: command.occurredAt,
  });
}

export function decideConveneCouncil(
  command: ConveneCouncil,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { councilId, documentationId, invitees, meetingDate } = command.data;
  const valid = validate(
    () => identifier(councilId, 'councilId'),
    () => isNewKey(state.councils, councilId, 'councilId'),
    () => optionalIdentifier(documentationId, 'documentationId'),
    knownDocumentation(state, documentationId),
    () => notBefore(command.occurredAt, documentationCause(state, documentationId)),
    () => people(invitees, 'invitees', true),
    () => localDate(meetingDate, 'meetingDate'),
    () =>
      compareLocalDates(meetingDate, localDateOf(command.occurredAt)) < 0
        ? domainError(
            'meeting-before-convocation',
            'The meeting date lies before the invitation was sent',
            'meetingDate',
          )
        : undefined,
    () => withinPlanningHorizon(meetingDate, command.occurredAt, 'meetingDate'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'CouncilConvened',
    data: {
      councilId,
      documentationId: idOrNull(documentationId),
      invitees: copyPeople(invitees),
      meetingDate,
    },
    occurredAt: command.occurredAt,
  });
}

/** A council can only be held, or recorded as not held, after it was convened, and only once. */
function convenedCouncil(state: CaseState, councilId: string, occurredAt: string): Result<CouncilState> {
  const invalid = identifier(councilId, 'councilId');
  if (invalid !== undefined) return fail(invalid);
  const council = Object.hasOwn(state.councils, councilId) ? state.councils[councilId] : undefined;
  if (council === undefined) {
    return fail(domainError('council-not-convened', 'The council was not convened before this', 'councilId'));
  }
  const afterConvocation = notBefore(occurredAt, {
    type: 'CouncilConvened',
    id: councilId,
    at: council.convenedAt,
  });
  if (afterConvocation !== undefined) return fail(afterConvocation);
  if (council.outcome !== null) {
    return fail(
      domainError(
        'council-already-concluded',
        'The council is already recorded as held or not held',
        'councilId',
      ),
    );
  }
  return ok(council);
}

export function decideRecordCouncilHeld(
  command: RecordCouncilHeld,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { councilId, participants, agreements } = command.data;
  const council = convenedCouncil(state, councilId, command.occurredAt);
  if (!council.ok) return council;
  const valid = validate(
    () => people(participants, 'participants', false),
    () =>
      Array.isArray(agreements) && agreements.every((agreement) => typeof agreement === 'string')
        ? undefined
        : domainError('invalid-value', 'agreements must be a list of texts', 'agreements'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'CouncilHeld',
    data: { councilId, participants: copyPeople(participants), agreements: agreements.map((a) => a.trim()) },
    occurredAt: command.occurredAt,
  });
}

export function decideRecordCouncilNotHeld(
  command: RecordCouncilNotHeld,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { councilId, reason, note } = command.data;
  const council = convenedCouncil(state, councilId, command.occurredAt);
  if (!council.ok) return council;
  const valid = validate(
    () => oneOf(reason, COUNCIL_NOT_HELD_REASONS, 'reason'),
    () => (reason === 'other' ? text(note, 'note', 'note-required') : undefined),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'CouncilNotHeld',
    data: { councilId, reason, note: textOrEmpty(note) },
    occurredAt: command.occurredAt,
  });
}

export function decideRecordCouncilFollowUp(
  command: RecordCouncilFollowUp,
  state: OpenedCaseState,
): Result<NetworkCouncilFact> {
  const { councilId, note } = command.data;
  const invalid = identifier(councilId, 'councilId');
  if (invalid !== undefined) return fail(invalid);
  const council = Object.hasOwn(state.councils, councilId) ? state.councils[councilId] : undefined;
  if (council?.outcome?.held !== true) {
    return fail(
      domainError('council-not-held', 'A follow-up needs a council that was held before it', 'councilId'),
    );
  }
  const afterHeld = notBefore(command.occurredAt, {
    type: 'CouncilHeld',
    id: councilId,
    at: council.outcome.at,
  });
  if (afterHeld !== undefined) return fail(afterHeld);
  return ok({
    type: 'CouncilFollowUpRecorded',
    data: { councilId, note: textOrEmpty(note) },
    occurredAt: command.occurredAt,
  });
}

export function evolveNetworkCouncil(state: CaseState, fact: NetworkCouncilFact): CaseState {
  switch (fact.type) {
    case 'PoliceDocumentationReceived':
      return {
        ...state,
        documentation: {
          ...state.documentation,
          [fact.data.documentationId]: { receivedAt: fact.occurredAt },
        },
      };
    case 'CouncilConvened':
      return {
        ...state,
        councils: {
          ...state.councils,
          [fact.data.councilId]: {
            documentationId: fact.data.documentationId,
            convenedAt: fact.occurredAt,
            outcome: null,
          },
        },
      };
    case 'CouncilHeld':
    case 'CouncilNotHeld': {
      const council = state.councils[fact.data.councilId];
      if (council === undefined) return state;
      const outcome = { held: fact.type === 'CouncilHeld', at: fact.occurredAt };
      return { ...state, councils: { ...state.councils, [fact.data.councilId]: { ...council, outcome } } };
    }
    default:
      return state;
  }
}

/**
 * The latest council held at or before `receivedAt` such that the receipt date is on or before the held date
 * plus one year ("inden for et år efter netværkssamrådet", seed 003 lines 218-221), in this case or in another
 * case of the same youth in the municipality (`history`): the rule is about the youth, not the case.
 */
export function heldCouncilWithinOneYear(
  state: CaseState,
  receivedAt: string,
  history: YouthHistory = NO_YOUTH_HISTORY,
): HeldCouncil | undefined {
  const receiptDate = localDateOf(receivedAt);
  const own = youthHistoryOf(state).councilsHeld;
  let latest: HeldCouncil | undefined;
  for (const council of [...own, ...history.councilsHeld]) {
    if (ms(council.heldAt) > ms(receivedAt)) continue;
    if (compareLocalDates(receiptDate, addYears(localDateOf(council.heldAt), 1)) > 0) continue;
    if (latest === undefined || ms(council.heldAt) > ms(latest.heldAt)) latest = council;
  }
  return latest;
}

/** The id of the council `heldCouncilWithinOneYear` finds in this case alone. */
export function councilWithinOneYear(state: CaseState, receivedAt: string): string | undefined {
  return heldCouncilWithinOneYear(state, receivedAt)?.councilId;
}

export function deriveNetworkCouncil(
  state: OpenedCaseState,
  fact: NetworkCouncilFact,
  rules: ResolvedRules,
  history: YouthHistory = NO_YOUTH_HISTORY,
): ObligationIntent[] {
  switch (fact.type) {
    case 'PoliceDocumentationReceived': {
      const subject = { kind: 'documentation' as const, id: fact.data.documentationId };
      const receiptDate = localDateOf(fact.occurredAt);
      if (!isUnder(18, state.birthDate, receiptDate, rules.pack.leapDayBirthdayRule)) {
        const inEffect = findRule(rules, 'NSR-CONVENE', fact.type, receiptDate) !== undefined;
        return [
          {
            kind: 'not-opened',
            ruleId: inEffect ? 'NSR-CONVENE' : 'PRELIM-PLAN',
            reason: 'age-18-or-over-at-receipt',
            message:
              'The youth was 18 or older on the local date of receipt; network councils are for youths under 18',
          },
        ];
      }
      // Which of these is in effect on the receipt date is the rule pack's business (effective periods).
      const council = heldCouncilWithinOneYear(state, fact.occurredAt, history);
      if (council !== undefined) {
        return [
          { kind: 'open', ruleId: 'NSR-REOFFENCE', subject, refersTo: heldCouncilRef(council) },
          { kind: 'open', ruleId: 'PRELIM-PLAN', subject },
        ];
      }
      return [
        { kind: 'open', ruleId: 'NSR-CONVENE', subject },
        { kind: 'open', ruleId: 'PRELIM-PLAN', subject },
      ];
    }
    case 'CouncilConvened':
      return [{ kind: 'open', ruleId: 'NSR-HOLD', subject: { kind: 'council', id: fact.data.councilId } }];
    case 'CouncilHeld':
      return [
        { kind: 'open', ruleId: 'NSR-PLAN', subject: { kind: 'council', id: fact.data.councilId } },
        { kind: 'open', ruleId: 'NSR-FOLLOWUP', subject: { kind: 'council', id: fact.data.councilId } },
      ];
    default:
      return [];
  }
}

export type { NetworkCouncilFact };
