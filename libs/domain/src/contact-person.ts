/**
 * Contact person (kontaktperson): Serviceloven § 52, stk. 3, nr. 6 with the plan of § 140 before the start and
 * the follow-ups of § 70; from 2024 Barnets lov (§ 91 plan within 3 months where the municipality decides to
 * make one, § 95 follow-ups). Follow-ups recur from when the previous one was actually done (DOMAIN.md time
 * rule 11). Ending the measure cancels its open follow-up and status obligations.
 */
import { addMonths, compareLocalDates, localDateOf } from './calendar';
import type {
  DecideContactPerson,
  EndContactPerson,
  RecordFollowUp,
  StartContactPerson,
  SubmitStatusStatement,
} from './commands';
import { domainError, fail, ok, type Result } from './errors';
import { CONTACT_PERSON_END_REASONS, type FactEvent } from './events';
import { aftercareAssessmentIntents, aftercareEligibilityIntents } from './aftercare';
import { obligationIdFor, type ObligationIntent } from './obligations';
import { notBefore } from './plausible-time';
import { findRule, isEnabled, type ResolvedRules } from './rules/resolve';
import type { CaseState, MeasureState, OpenedCaseState } from './state';
import { boolean, identifier, isNewKey, oneOf, text, textOrEmpty, validate } from './validation';

type ContactPersonFact = Extract<
  FactEvent,
  {
    type:
      | 'ContactPersonDecided'
      | 'ContactPersonStarted'
      | 'FollowUpRecorded'
      | 'StatusStatementSubmitted'
      | 'ContactPersonEnded';
  }
>;

const ms = (value: string): number => Date.parse(value);

function measureOf(state: CaseState, measureId: string): Result<MeasureState> {
  const invalid = identifier(measureId, 'measureId');
  if (invalid !== undefined) return fail(invalid);
  const measure = Object.hasOwn(state.measures, measureId) ? state.measures[measureId] : undefined;
  return measure === undefined
    ? fail(
        domainError('measure-not-found', 'No contact-person measure with this id on the case', 'measureId'),
      )
    : ok(measure);
}

/** A measure that has started, and had not ended when `occurredAt` happened. */
function activeMeasureAt(state: CaseState, measureId: string, occurredAt: string): Result<MeasureState> {
  const found = measureOf(state, measureId);
  if (!found.ok) return found;
  const { startedAt, endedAt } = found.value;
  if (startedAt === null) {
    return fail(domainError('measure-not-started', 'The measure had not started at this time', 'measureId'));
  }
  const afterStart = notBefore(occurredAt, { type: 'ContactPersonStarted', id: measureId, at: startedAt });
  if (afterStart !== undefined) return fail(afterStart);
  if (endedAt !== null && ms(occurredAt) > ms(endedAt)) {
    return fail(domainError('measure-ended', 'The measure had ended at this time', 'measureId'));
  }
  return found;
}

export function decideDecideContactPerson(
  command: DecideContactPerson,
  state: OpenedCaseState,
): Result<ContactPersonFact> {
  const { measureId, planRequired = true } = command.data;
  const valid = validate(
    () => identifier(measureId, 'measureId'),
    () => isNewKey(state.measures, measureId, 'measureId'),
    () => boolean(planRequired, 'planRequired'),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'ContactPersonDecided',
    data: { measureId, planRequired },
    occurredAt: command.occurredAt,
  });
}

export function decideStartContactPerson(
  command: StartContactPerson,
  state: OpenedCaseState,
): Result<ContactPersonFact> {
  const found = measureOf(state, command.data.measureId);
  if (!found.ok) return found;
  const measure = found.value;
  if (measure.startedAt !== null) {
    return fail(domainError('measure-already-started', 'The measure has already started', 'measureId'));
  }
  if (measure.endedAt !== null) {
    return fail(domainError('measure-ended', 'The measure ended before it started', 'measureId'));
  }
  const afterDecision = notBefore(command.occurredAt, {
    type: 'ContactPersonDecided',
    id: command.data.measureId,
    at: measure.decidedAt,
  });
  if (afterDecision !== undefined) return fail(afterDecision);
  return ok({
    type: 'ContactPersonStarted',
    data: { measureId: command.data.measureId },
    occurredAt: command.occurredAt,
  });
}

/** Refused with `measure-not-found` for a measure that does not exist. */
export function decideRecordFollowUp(
  command: RecordFollowUp,
  state: OpenedCaseState,
): Result<ContactPersonFact> {
  const { measureId, nextIntervalMonths = null } = command.data;
  const active = activeMeasureAt(state, measureId, command.occurredAt);
  if (!active.ok) return active;
  if (
    nextIntervalMonths !== null &&
    !(Number.isInteger(nextIntervalMonths) && nextIntervalMonths >= 1 && nextIntervalMonths <= 24)
  ) {
    return fail(
      domainError(
        'invalid-interval',
        'nextIntervalMonths must be a whole number of months, 1-24',
        'nextIntervalMonths',
      ),
    );
  }
  return ok({
    type: 'FollowUpRecorded',
    data: { measureId, nextIntervalMonths },
    occurredAt: command.occurredAt,
  });
}

export function decideSubmitStatusStatement(
  command: SubmitStatusStatement,
  state: OpenedCaseState,
): Result<ContactPersonFact> {
  const { measureId, youthOwnWords } = command.data;
  const active = activeMeasureAt(state, measureId, command.occurredAt);
  if (!active.ok) return active;
  const valid = validate(() => text(youthOwnWords, 'youthOwnWords', 'youth-own-words-required'));
  if (!valid.ok) return valid;
  return ok({
    type: 'StatusStatementSubmitted',
    data: { measureId, youthOwnWords: youthOwnWords.trim() },
    occurredAt: command.occurredAt,
  });
}

export function decideEndContactPerson(
  command: EndContactPerson,
  state: OpenedCaseState,
): Result<ContactPersonFact> {
  const { measureId, reason, note } = command.data;
  const found = measureOf(state, measureId);
  if (!found.ok) return found;
  if (found.value.endedAt !== null) {
    return fail(domainError('measure-already-ended', 'The measure has already ended', 'measureId'));
  }
  const { startedAt, decidedAt } = found.value;
  const afterStart = notBefore(
    command.occurredAt,
    startedAt === null
      ? { type: 'ContactPersonDecided', id: measureId, at: decidedAt }
      : { type: 'ContactPersonStarted', id: measureId, at: startedAt },
  );
  if (afterStart !== undefined) return fail(afterStart);
  const valid = validate(
    () => oneOf(reason, CONTACT_PERSON_END_REASONS, 'reason'),
    () => (reason === 'other' ? text(note, 'note', 'note-required') : undefined),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'ContactPersonEnded',
    data: { measureId, reason, note: textOrEmpty(note) },
    occurredAt: command.occurredAt,
  });
}

export function evolveContactPerson(state: CaseState, fact: ContactPersonFact): CaseState {
  const { measureId } = fact.data;
  if (fact.type === 'ContactPersonDecided') {
    const measure: MeasureState = {
      decidedAt: fact.occurredAt,
      startedAt: null,
      endedAt: null,
      followUps: 0,
      intervalMonths: null,
      statusStatements: 0,
    };
    return { ...state, measures: { ...state.measures, [measureId]: measure } };
  }
  const current = state.measures[measureId];
  if (current === undefined) return state;
  const next = ((): MeasureState => {
    switch (fact.type) {
      case 'ContactPersonStarted':
        return { ...current, startedAt: fact.occurredAt };
      case 'FollowUpRecorded':
        return {
          ...current,
          followUps: current.followUps + 1,
          intervalMonths: fact.data.nextIntervalMonths ?? current.intervalMonths,
        };
      case 'StatusStatementSubmitted':
        return { ...current, statusStatements: current.statusStatements + 1 };
      case 'ContactPersonEnded':
        return { ...current, endedAt: fact.occurredAt };
    }
  })();
  return { ...state, measures: { ...state.measures, [measureId]: next } };
}

/** Highest CP-STATUS period already opened for the measure (0 if none). */
function lastStatusPeriod(state: CaseState, measureId: string): number {
  const prefix = `${obligationIdFor('CP-STATUS', { kind: 'measure', id: measureId })}:`;
  return Object.keys(state.obligations)
    .filter((id) => id.startsWith(prefix))
    .reduce((max, id) => Math.max(max, Number(id.slice(prefix.length))), 0);
}

/**
 * The next half-yearly status period: after the last one opened, and never one whose due date has already
 * passed when the statement is submitted (a late statement covers the periods it was late for).
 */
function statusIntent(
  state: CaseState,
  fact: ContactPersonFact,
  measure: MeasureState,
  rules: ResolvedRules,
): ObligationIntent[] {
  const rule = findRule(rules, 'CP-STATUS', fact.type, localDateOf(fact.occurredAt));
  if (rule === undefined || !isEnabled(rules, rule) || rule.due.kind !== 'every-months-from-start') return [];
  const anchorDate = localDateOf(measure.startedAt ?? fact.occurredAt);
  const factDate = localDateOf(fact.occurredAt);
  let period = lastStatusPeriod(state, fact.data.measureId) + 1;
  while (compareLocalDates(addMonths(anchorDate, rule.due.months * period), factDate) < 0) period += 1;
  return [
    {
      kind: 'open',
      ruleId: 'CP-STATUS',
      subject: { kind: 'measure', id: fact.data.measureId },
      sequence: period,
      due: { anchorDate, period },
    },
  ];
}

export function deriveContactPerson(
  state: OpenedCaseState,
  fact: ContactPersonFact,
  after: CaseState,
  rules: ResolvedRules,
): ObligationIntent[] {
  const subject = { kind: 'measure' as const, id: fact.data.measureId };
  const measure = after.measures[fact.data.measureId];
  switch (fact.type) {
    case 'ContactPersonDecided':
      return [{ kind: 'open', ruleId: 'CP-PLAN', subject }];
    case 'ContactPersonStarted': {
      const plan = state.obligations[obligationIdFor('CP-PLAN', subject)];
      // SEL § 140: the plan comes before the start, so starting without it is the breach.
      const planMissing: ObligationIntent[] =
        plan?.status === 'open' && plan.dueAt === null
          ? [{ kind: 'breach', obligationId: plan.obligationId, dueAt: fact.occurredAt }]
          : [];
      return [
        ...planMissing,
        { kind: 'open', ruleId: 'CP-FOLLOWUP-1', subject },
        ...statusIntent(state, fact, measure, rules),
        ...aftercareAssessmentIntents(state, fact, rules),
      ];
    }
    case 'FollowUpRecorded':
      return measure.endedAt !== null
        ? []
        : [
            {
              kind: 'open',
              ruleId: 'CP-FOLLOWUP-N',
              subject,
              sequence: measure.followUps + 1,
              due: { intervalMonths: measure.intervalMonths },
            },
          ];
    case 'StatusStatementSubmitted':
      return measure.endedAt !== null ? [] : statusIntent(state, fact, measure, rules);
    case 'ContactPersonEnded':
      return aftercareEligibilityIntents(after);
  }
}

export type { ContactPersonFact };
