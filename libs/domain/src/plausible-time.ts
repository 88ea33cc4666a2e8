/**
 * Plausible time (DOMAIN.md time rule 14). Integrations post late and out of order, so business time is
 * theirs to give; but a date that contradicts what the case already holds is a typo, and a typo must never
 * silently remove a deadline (a notification dated 2099 finds the youth "18 or over" and opens nothing). So
 * a command is refused, nothing stored, when its `occurredAt`
 * - lies further ahead of `now` than the clock-skew tolerance (`occurred-in-future`);
 * - falls on a local date before the earliest fact date (`occurred-before-earliest-date`), by default the
 *   first day any rule of the pack is in effect: nothing before it can create or answer an obligation;
 * - falls on a local date before the youth's birth (`occurred-before-birth`), the opening fact included;
 * - precedes the fact it answers (`precedes-its-cause`): a convocation its police documentation, a council
 *   held its convocation, a follow-up its council or measure start, an end its start, a decision its
 *   request, a plan fact the notification, council or measure it is scoped to, a revision its plan, a waiver
 *   the obligation. The problem names the earlier fact by kind and id, never by personal data.
 * Planned dates are in the future by nature and are bounded instead: a council's meeting date lies within
 * PLANNED_DATE_HORIZON_YEARS of the convocation; an aftercare start date lies in the window before the 23rd
 * birthday, which the birth-date checks bound already.
 */
import {
  addYears,
  compareLocalDates,
  isRepresentableInstant,
  LATEST_LOCAL_DATE,
  localDateOf,
  type LocalDate,
} from './calendar';
import type { CaseCommand } from './commands';
import type { DecideContext } from './context';
import { domainError, type DomainError } from './errors';
import type { RulePack } from './rules/types';
import { isOpened, type CaseState } from './state';
import type { Check } from './validation';

/** Default of `DecideContext.clockSkewMs`: how far a caller's clock may run ahead of ours. */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How far ahead of the convocation a council's meeting may be planned. Seed 003 finds councils held on
 * average 28 days after the notification; a year is generous for rescheduling and still refuses a year typo.
 */
export const PLANNED_DATE_HORIZON_YEARS = 1;

const ms = (value: string): number => Date.parse(value);

const earliestByPack = new WeakMap<RulePack, LocalDate>();

/** The first local date on which any rule of the pack is in effect: the default earliest fact date. */
export function earliestEffectiveDate(pack: RulePack): LocalDate {
  let earliest = earliestByPack.get(pack);
  if (earliest === undefined) {
    earliest = pack.rules.reduce(
      (first, rule) => (compareLocalDates(rule.effective.from, first) < 0 ? rule.effective.from : first),
      LATEST_LOCAL_DATE,
    );
    earliestByPack.set(pack, earliest);
  }
  return earliest;
}

/** An instant the calendar can represent: its local date is no later than 9999-12-31. */
export function representable(value: string, field: string): Check {
  return isRepresentableInstant(value)
    ? undefined
    : instantOutOfRange(field, `${field} must fall on a local date no later than ${LATEST_LOCAL_DATE}`);
}

/** A date the calendar cannot represent (after 9999-12-31), named by the input it comes from. */
export function instantOutOfRange(field: string, message: string): DomainError {
  return domainError('instant-out-of-range', message, field);
}

/**
 * The checks every command a caller sends goes through before its own validation: not in the future, not
 * before the earliest fact date, not before the youth's birth. `occurredAt` and `now` are valid instants.
 */
export function plausibleOccurredAt(command: CaseCommand, state: CaseState, ctx: DecideContext): Check {
  const { occurredAt } = command;
  const skewMs = ctx.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (ms(occurredAt) > ms(ctx.now) + skewMs) {
    return domainError(
      'occurred-in-future',
      `occurredAt lies more than ${describeMs(skewMs)} after the time the command was received`,
      'occurredAt',
    );
  }
  const date = localDateOf(occurredAt);
  const earliest = ctx.earliestFactDate ?? earliestEffectiveDate(ctx.rules.pack);
  if (compareLocalDates(date, earliest) < 0) {
    return domainError(
      'occurred-before-earliest-date',
      `occurredAt falls before ${earliest}, the earliest date a fact may carry`,
      'occurredAt',
    );
  }
  if (command.type !== 'OpenCase' && isOpened(state) && compareLocalDates(date, state.birthDate) < 0) {
    return domainError(
      'occurred-before-birth',
      "occurredAt falls on a local date before the youth's birth date",
      'occurredAt',
    );
  }
  return undefined;
}

/**
 * The opening fact: the youth is born on or before the local date the case is opened. Named `occurredAt` like
 * every fact before the birth; the birth date may be the wrong one (the API derives it from the CPR number).
 */
export function bornBy(birthDate: LocalDate, occurredAt: string): Check {
  return compareLocalDates(birthDate, localDateOf(occurredAt)) > 0
    ? domainError(
        'occurred-before-birth',
        'occurredAt falls on a local date before the birth date the case is opened with',
        'occurredAt',
      )
    : undefined;
}

/** The fact a command answers, as the refusal names it: its event type, its id and when it happened. */
export interface Cause {
  readonly type: string;
  readonly id: string;
  readonly at: string;
}

/** A fact may not precede the fact it answers; at the same instant is fine. */
export function notBefore(occurredAt: string, cause: Cause | undefined): Check {
  return cause !== undefined && ms(occurredAt) < ms(cause.at)
    ? domainError(
        'precedes-its-cause',
        `occurredAt lies before ${cause.type} ${cause.id} (${cause.at}), which this fact answers`,
        'occurredAt',
      )
    : undefined;
}

/** A planned local date on or after the fact's own date and at most PLANNED_DATE_HORIZON_YEARS after it. */
export function withinPlanningHorizon(date: LocalDate, occurredAt: string, field: string): Check {
  const latest = addYears(localDateOf(occurredAt), PLANNED_DATE_HORIZON_YEARS);
  return compareLocalDates(date, latest) > 0
    ? domainError(
        'planned-date-too-far-ahead',
        `${field} lies more than ${PLANNED_DATE_HORIZON_YEARS} year after the fact that plans it`,
        field,
      )
    : undefined;
}

function describeMs(value: number): string {
  if (value > 0 && value % 60_000 === 0) return `${value / 60_000} min`;
  if (value > 0 && value % 1000 === 0) return `${value / 1000} s`;
  return `${value} ms`;
}
