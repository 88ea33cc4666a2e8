import {
  applyRollForward,
  compareLocalDates,
  dueBeforeDate,
  dueDaysAfter,
  dueMonthsAfter,
  dueMonthsBefore,
  dueOnDate,
  localDateOf,
  addMonths,
  DateOutOfRange,
  isRepresentableInstant,
  isValidLocalDate,
  type Due,
  type ExtraNonWorkingDay,
  type LocalDate,
} from '../calendar';
import type { FactType, RulePackRef } from '../events';
import { birthday } from '../people';
import type { RuleDefinition, RuleId, RulePack } from './types';
import { RULE_IDS } from './types';

/** A rule pack as it applies in one municipality: the pack plus that municipality's overrides, with defaults. */
export interface ResolvedRules {
  readonly pack: RulePack;
  readonly rulePack: RulePackRef;
  readonly municipality: string | null;
  readonly rollForward: readonly RuleId[];
  readonly extraNonWorkingDays: readonly ExtraNonWorkingDay[];
  readonly aftercareProcessingDays: number;
  readonly enabledOptInRules: readonly RuleId[];
  readonly warningLeadDays: Readonly<Record<RuleId, number>>;
  readonly dueDays: Readonly<Partial<Record<RuleId, number>>>;
  /**
   * One warning lead for every rule as a duration before the due instant, set by the operator
   * (DEADLINE_WARNING_LEAD); null: each rule's lead in days, warning from the start of that local day.
   */
  readonly warningLeadMs: number | null;
}

export interface ResolveOptions {
  /** See ResolvedRules.warningLeadMs. */
  readonly warningLeadMs?: number | null;
}

export function resolveRules(
  pack: RulePack,
  municipality: string | null,
  options: ResolveOptions = {},
): ResolvedRules {
  const overrides = (municipality !== null ? pack.municipalities[municipality] : undefined) ?? {};
  const leadFor = (ruleId: RuleId): number =>
    overrides.warningLeadDays?.[ruleId] ??
    pack.rules.find((rule) => rule.ruleId === ruleId && rule.warningLeadDays !== undefined)
      ?.warningLeadDays ??
    pack.defaults.warningLeadDays;
  return {
    pack,
    rulePack: { id: pack.id, version: pack.version },
    municipality,
    rollForward: overrides.rollForward === 'all' ? [...RULE_IDS] : [...(overrides.rollForward ?? [])],
    extraNonWorkingDays: [...(overrides.extraNonWorkingDays ?? [])],
    aftercareProcessingDays: overrides.aftercareProcessingDays ?? pack.defaults.aftercareProcessingDays,
    enabledOptInRules: [...(overrides.municipalStandardRules ?? [])],
    warningLeadDays: Object.fromEntries(RULE_IDS.map((ruleId) => [ruleId, leadFor(ruleId)])) as Record<
      RuleId,
      number
    >,
    dueDays: { ...(overrides.dueDays ?? {}) },
    warningLeadMs: options.warningLeadMs ?? null,
  };
}

export function isInEffect(rule: RuleDefinition, date: LocalDate): boolean {
  return (
    compareLocalDates(rule.effective.from, date) <= 0 &&
    (rule.effective.to === null || compareLocalDates(date, rule.effective.to) <= 0)
  );
}

/**
 * The variant of `ruleId` that a fact of type `trigger` occurring on local `date` falls under (DOMAIN.md time
 * rule 10: the local date of the triggering fact decides), or undefined when none is in effect.
 */
export function findRule(
  rules: ResolvedRules,
  ruleId: RuleId,
  trigger: FactType,
  date: LocalDate,
): RuleDefinition | undefined {
  return rules.pack.rules.find(
    (rule) => rule.ruleId === ruleId && rule.triggers.includes(trigger) && isInEffect(rule, date),
  );
}

export function isEnabled(rules: ResolvedRules, rule: RuleDefinition): boolean {
  return !rule.optIn || rules.enabledOptInRules.includes(rule.ruleId);
}

/** What a due computation may need besides the rule: the trigger instant and, per kind, more facts. */
export interface DueInput {
  readonly triggerAt: string;
  readonly birthDate?: LocalDate;
  /** Interval decided by the municipality for the next follow-up (Barnets lov). */
  readonly intervalMonths?: number | null;
  /** For `every-months-from-start`: the local start date and the period number (1, 2, ...). */
  readonly anchorDate?: LocalDate;
  readonly period?: number;
}

export interface ComputedDue {
  readonly strict: Due | null;
  readonly rolled: Due | null;
  /** The due alerts and breach detection use: rolled where roll-forward is on, else strict. */
  readonly effective: Due | null;
  readonly clamped: boolean;
}

function required<T>(value: T | undefined | null, what: string, rule: RuleDefinition): T {
  if (value === undefined || value === null) {
    throw new RangeError(`${rule.ruleId}/${rule.variant} needs ${what} to compute its due`);
  }
  return value;
}

/** The strict due of a rule, before clamping and roll-forward; null where the rule has none. */
export function strictDue(rule: RuleDefinition, rules: ResolvedRules, input: DueInput): Due | null {
  const due = rule.due;
  switch (due.kind) {
    case 'days-after':
      return dueDaysAfter(input.triggerAt, due.days);
    case 'months-after':
      return dueMonthsAfter(input.triggerAt, due.months);
    case 'months-before-birthday':
      return dueMonthsBefore(
        birthday(required(input.birthDate, 'a birth date', rule), due.age, rules.pack.leapDayBirthdayRule),
        due.months,
      );
    case 'before-birthday':
      return dueBeforeDate(
        birthday(required(input.birthDate, 'a birth date', rule), due.age, rules.pack.leapDayBirthdayRule),
      );
    case 'processing-time':
      return dueDaysAfter(input.triggerAt, rules.aftercareProcessingDays);
    case 'follow-up-interval':
      return dueMonthsAfter(
        input.triggerAt,
        due.intervalSetByMunicipality ? (input.intervalMonths ?? due.defaultMonths) : due.defaultMonths,
      );
    case 'every-months-from-start':
      return dueOnDate(
        addMonths(
          required(input.anchorDate, 'a start date', rule),
          due.months * required(input.period, 'a period', rule),
        ),
      );
    case 'hours-after':
      return dueHoursAfter(input.triggerAt, due.hours);
    case 'months-after-later-of-birthday': {
      const birthdayAt = birthday(
        required(input.birthDate, 'a birth date', rule),
        due.age,
        rules.pack.leapDayBirthdayRule,
      );
      const triggerDate = localDateOf(input.triggerAt);
      const from = compareLocalDates(triggerDate, birthdayAt) >= 0 ? triggerDate : birthdayAt;
      return dueOnDate(addMonths(from, due.months));
    }
    case 'none': {
      const days = rules.dueDays[rule.ruleId];
      return due.municipalityMaySetDays && days !== undefined ? dueDaysAfter(input.triggerAt, days) : null;
    }
    case 'before-measure-start':
      return null;
  }
}

/**
 * "Inden for N timer": N elapsed hours after the instant (3,600,000 ms each, so a DST change neither adds nor
 * removes one); `dueDate` is the local date the due instant falls on.
 */
export function dueHoursAfter(value: string, hours: number): Due {
  if (!Number.isSafeInteger(hours)) throw new RangeError(`hours must be an integer, got ${String(hours)}`);
  const dueAt = new Date(Date.parse(value) + hours * 3_600_000).toISOString();
  if (!isRepresentableInstant(dueAt))
    throw new DateOutOfRange(`${dueAt} is past the calendar's last instant`);
  return { dueDate: localDateOf(dueAt), dueAt };
}

/**
 * Dues that no setting moves to a working day: a hard end of a window (AC-END, the start of the 23rd birthday:
 * aftercare cannot run past it, whatever day of the week it is) and an instant-based due (24 hours are 24 hours).
 */
export function isNeverRolled(rule: RuleDefinition): boolean {
  return rule.due.kind === 'before-birthday' || rule.due.kind === 'hours-after';
}

/** Whether the municipality's settings roll this rule's due forward to a working day. */
export function rollsForward(rule: RuleDefinition, rules: ResolvedRules): boolean {
  return !isNeverRolled(rule) && rules.rollForward.includes(rule.ruleId);
}

/**
 * The full due of an obligation: strict due, clamped so it never lies before the trigger (then it is due at
 * the end of the trigger's own local day), and rolled forward to a working day where the municipality says so
 * and the rule allows it (`isNeverRolled`).
 */
export function computeDue(rule: RuleDefinition, rules: ResolvedRules, input: DueInput): ComputedDue {
  const computed = strictDue(rule, rules, input);
  if (computed === null) return { strict: null, rolled: null, effective: null, clamped: false };
  const clamped = Date.parse(computed.dueAt) <= Date.parse(input.triggerAt);
  const strict = clamped ? dueOnDate(localDateOf(input.triggerAt)) : computed;
  const { rolled } = applyRollForward(strict, rollsForward(rule, rules), {
    extraNonWorkingDays: rules.extraNonWorkingDays,
  });
  return { strict, rolled, effective: rolled ?? strict, clamped };
}

/** Problems that make a pack unusable: duplicate variants, overlapping periods, impossible numbers. */
export function validateRulePack(pack: RulePack): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const rule of pack.rules) {
    const name = `${rule.ruleId}/${rule.variant}`;
    if (seen.has(name)) problems.push(`${name}: duplicate variant`);
    seen.add(name);
    if (!(RULE_IDS as readonly string[]).includes(rule.ruleId)) problems.push(`${name}: unknown rule id`);
    const { from, to } = rule.effective;
    if (!isValidLocalDate(from) || (to !== null && !isValidLocalDate(to))) {
      problems.push(`${name}: effective period is not made of local dates`);
    } else if (to !== null && compareLocalDates(from, to) > 0) {
      problems.push(`${name}: effective period ends before it starts`);
    }
    if (rule.triggers.length === 0) problems.push(`${name}: no trigger`);
  }
  const dated = pack.rules.filter(
    ({ effective: { from, to } }) => isValidLocalDate(from) && (to === null || isValidLocalDate(to)),
  );
  for (const [i, a] of dated.entries()) {
    for (const b of dated.slice(i + 1)) {
      const sharesTrigger = a.triggers.some((trigger) => b.triggers.includes(trigger));
      if (a.ruleId === b.ruleId && sharesTrigger && periodsOverlap(a, b)) {
        problems.push(`${a.ruleId}/${a.variant} and ${b.variant}: overlapping periods for the same trigger`);
      }
    }
  }
  for (const code of Object.keys(pack.municipalities)) {
    if (!/^\d{3}$/.test(code)) problems.push(`municipality ${code}: kommunekode must be three digits`);
  }
  return problems;
}

function periodsOverlap(a: RuleDefinition, b: RuleDefinition): boolean {
  const startsBeforeEnd = (x: RuleDefinition, y: RuleDefinition) =>
    y.effective.to === null || compareLocalDates(x.effective.from, y.effective.to) <= 0;
  return startsBeforeEnd(a, b) && startsBeforeEnd(b, a);
}
