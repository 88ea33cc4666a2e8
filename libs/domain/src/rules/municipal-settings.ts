/**
 * Municipal settings at run time (issue 11, point 3). An admin records a municipality's settings with the
 * local date they take effect from; the recorded entries form the municipality's timeline. A fact is decided
 * under the settings in effect on the Copenhagen date of its own `occurredAt` (DOMAIN.md time rule 10, as for
 * rule variants), so an entry governs the facts dated on or after its effective date, whenever they are posted,
 * and leaves alone every obligation already opened: those carry their due as recorded, and nothing recomputes
 * it (evaluateHistory shows what the entry would have changed in them).
 *
 * An entry REPLACES the municipality's settings from its date on: it is the whole of them (roll-forward,
 * extra non-working days, processing time, municipal standards, warning leads, municipal dues), not a patch on
 * the compiled pack or on the entry before. A field an entry leaves out is the pack default from then on. Each
 * entry can so be read on its own, and the compiled pack's overrides apply only before the first entry. Only
 * the municipality's display name is kept from the compiled pack.
 */
import {
  addYears,
  compareLocalDates,
  EXTRA_NON_WORKING_DAYS,
  isValidLocalDate,
  localDateOf,
  type ExtraNonWorkingDay,
  type LocalDate,
} from '../calendar';
import { domainError, type DomainError } from '../errors';
import { earliestEffectiveDate } from '../plausible-time';
import { resolveRules, type ResolvedRules, type ResolveOptions } from './resolve';
import { RULE_IDS, type MunicipalityOverrides, type RuleId, type RulePack } from './types';

/** A municipality's settings from one local date on, as an admin recorded them. */
export interface MunicipalSettingsEntry {
  /** First Copenhagen local date of a triggering fact the settings apply to. */
  readonly effectiveFrom: LocalDate;
  /** The whole settings from that date on (see the module comment: replace, not patch). */
  readonly settings: MunicipalityOverrides;
  /** ISO UTC instant the entry was recorded. */
  readonly recordedAt: string;
  /** Key id of the admin who recorded it. */
  readonly by: string;
}

/** The entries of one municipality in the order they were recorded. */
export type MunicipalSettingsTimeline = readonly MunicipalSettingsEntry[];

/**
 * The entry in effect on `date`: the one with the latest `effectiveFrom` on or before it; of entries with the
 * same `effectiveFrom`, the one recorded last. Undefined before the first entry.
 */
export function entryAt(
  timeline: MunicipalSettingsTimeline,
  date: LocalDate,
): MunicipalSettingsEntry | undefined {
  let found: MunicipalSettingsEntry | undefined;
  for (const entry of timeline) {
    if (compareLocalDates(entry.effectiveFrom, date) > 0) continue;
    if (found === undefined || compareLocalDates(entry.effectiveFrom, found.effectiveFrom) >= 0)
      found = entry;
  }
  return found;
}

/** The overrides that apply on `date`: the entry in effect then, or the compiled pack's before the first entry. */
export function overridesAt(
  compiled: MunicipalityOverrides | undefined,
  timeline: MunicipalSettingsTimeline,
  date: LocalDate,
): MunicipalityOverrides {
  const entry = entryAt(timeline, date);
  if (entry === undefined) return compiled ?? {};
  return compiled?.name === undefined ? entry.settings : { ...entry.settings, name: compiled.name };
}

/**
 * The pack as it applies in `municipality` on `date`, under its timeline: ResolvedRules as `resolveRules`
 * builds them, from the overrides in effect that day. `pack` stays the compiled pack object.
 */
export function resolveRulesAt(
  pack: RulePack,
  municipality: string,
  timeline: MunicipalSettingsTimeline,
  date: LocalDate,
  options: ResolveOptions = {},
): ResolvedRules {
  if (entryAt(timeline, date) === undefined) return resolveRules(pack, municipality, options);
  const overrides = overridesAt(pack.municipalities[municipality], timeline, date);
  const resolved = resolveRules(
    { ...pack, municipalities: { ...pack.municipalities, [municipality]: overrides } },
    municipality,
    options,
  );
  return { ...resolved, pack };
}

/** `resolveRulesAt` for the local date of an instant (a fact's `occurredAt`). */
export function resolveRulesForFact(
  pack: RulePack,
  municipality: string,
  timeline: MunicipalSettingsTimeline,
  occurredAt: string,
  options: ResolveOptions = {},
): ResolvedRules {
  return resolveRulesAt(pack, municipality, timeline, localDateOf(occurredAt), options);
}

// ---------------------------------------------------------------- validation of what an admin sends

/** Bounds of the settings an admin may record. */
export const MUNICIPAL_SETTINGS_BOUNDS = {
  aftercareProcessingDays: { min: 1, max: 365 },
  reoffenceAssessmentDays: { min: 1, max: 90 },
  warningLeadDays: { min: 0, max: 60 },
  /** How far ahead of the service's today an entry may take effect, in years. */
  maxYearsAhead: 1,
} as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** The extra non-working days a municipality may add, by their MM-DD (the calendar's own table). */
const EXTRA_DAY_BY_MONTH_DAY: ReadonlyMap<string, ExtraNonWorkingDay> = new Map(
  (Object.entries(EXTRA_NON_WORKING_DAYS) as Array<[ExtraNonWorkingDay, { month: number; day: number }]>).map(
    ([extra, { month, day }]) => [`${pad(month)}-${pad(day)}`, extra],
  ),
);

/** The settings as the API takes them, before validation. */
export interface MunicipalSettingsInput {
  readonly effectiveFrom?: unknown;
  /** Rule ids whose due rolls forward to the next working day, or `"all"`. */
  readonly rollForward?: unknown;
  /** `MM-DD` or `YYYY-MM-DD` of 5 June, 24 December, 31 December (the year of a full date is not kept). */
  readonly extraNonWorkingDays?: unknown;
  /** AC-DECIDE processing time in days. */
  readonly aftercareProcessingDays?: unknown;
  /** Rule ids with basis municipal-standard this municipality applies (CP-STATUS). */
  readonly municipalStandardRules?: unknown;
  /** Per rule id: whole days, or an ISO-8601 duration of whole days (`P3D`, `P1W`, `PT48H`). */
  readonly warningLeads?: unknown;
  /** Days after the trigger within which an NSR-REOFFENCE assessment is due. */
  readonly reoffenceAssessmentDays?: unknown;
}

export interface ValidMunicipalSettings {
  readonly effectiveFrom: LocalDate;
  readonly settings: MunicipalityOverrides;
}

const isRuleId = (value: unknown): value is RuleId =>
  typeof value === 'string' && (RULE_IDS as readonly string[]).includes(value);

/** Whole days of a lead: an integer, or `PnD`, `PnW`, `PTnH` (n a multiple of 24); undefined when neither. */
function leadDays(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^P(?:(\d{1,3})D|(\d{1,2})W|T(\d{1,4})H)$/.exec(value);
  if (match === null) return undefined;
  const [, days, weeks, hours] = match;
  if (days !== undefined) return Number(days);
  if (weeks !== undefined) return Number(weeks) * 7;
  const h = Number(hours);
  return h % 24 === 0 ? h / 24 : undefined;
}

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/**
 * What an admin sends, checked against the pack and the service's `today` (Copenhagen date, from the clock
 * port: the domain reads no clock). The first problem found is returned, naming its field; nothing of a
 * refused request is recorded.
 */
export function validateMunicipalSettings(
  input: MunicipalSettingsInput,
  pack: RulePack,
  today: LocalDate,
): { ok: true; value: ValidMunicipalSettings } | { ok: false; error: DomainError } {
  const refuse = (field: string, code: string, message: string) => ({
    ok: false as const,
    error: domainError(code, message, field),
  });
  const { effectiveFrom } = input;
  if (effectiveFrom === undefined || effectiveFrom === null) {
    return refuse(
      'effectiveFrom',
      'required',
      'effectiveFrom, the local date the settings apply from, is required',
    );
  }
  if (typeof effectiveFrom !== 'string' || !isValidLocalDate(effectiveFrom)) {
    return refuse('effectiveFrom', 'invalid-date', 'effectiveFrom must be a local date, YYYY-MM-DD');
  }
  const earliest = earliestEffectiveDate(pack);
  if (compareLocalDates(effectiveFrom, earliest) < 0) {
    return refuse(
      'effectiveFrom',
      'effective-date-out-of-range',
      `effectiveFrom may not lie before ${earliest}, the first day a rule of the pack is in effect`,
    );
  }
  const latest = addYears(today, MUNICIPAL_SETTINGS_BOUNDS.maxYearsAhead);
  if (compareLocalDates(effectiveFrom, latest) > 0) {
    return refuse(
      'effectiveFrom',
      'effective-date-out-of-range',
      `effectiveFrom may lie at most a year ahead, no later than ${latest}`,
    );
  }

  const settings: { -readonly [K in keyof MunicipalityOverrides]: MunicipalityOverrides[K] } = {};

  if (input.rollForward !== undefined) {
    if (input.rollForward === 'all') settings.rollForward = 'all';
    else if (!Array.isArray(input.rollForward)) {
      return refuse('rollForward', 'invalid-type', 'rollForward must be "all" or a list of rule ids');
    } else {
      for (const [i, ruleId] of input.rollForward.entries()) {
        if (!isRuleId(ruleId)) {
          return refuse(`rollForward[${i}]`, 'unknown-rule', `${String(ruleId)} is not a rule of the pack`);
        }
      }
      settings.rollForward = [...new Set(input.rollForward as RuleId[])];
    }
  }

  if (input.extraNonWorkingDays !== undefined) {
    if (!Array.isArray(input.extraNonWorkingDays)) {
      return refuse('extraNonWorkingDays', 'invalid-type', 'extraNonWorkingDays must be a list of dates');
    }
    const days: ExtraNonWorkingDay[] = [];
    for (const [i, value] of input.extraNonWorkingDays.entries()) {
      const monthDay =
        typeof value === 'string' && /^\d{2}-\d{2}$/.test(value)
          ? value
          : typeof value === 'string' && isValidLocalDate(value)
            ? value.slice(5)
            : undefined;
      const day = monthDay === undefined ? undefined : EXTRA_DAY_BY_MONTH_DAY.get(monthDay);
      if (day === undefined) {
        return refuse(
          `extraNonWorkingDays[${i}]`,
          'invalid-non-working-day',
          'An extra non-working day is 06-05 (Grundlovsdag), 12-24 or 12-31, as MM-DD or YYYY-MM-DD',
        );
      }
      if (!days.includes(day)) days.push(day);
    }
    settings.extraNonWorkingDays = days;
  }

  if (input.aftercareProcessingDays !== undefined) {
    const { min, max } = MUNICIPAL_SETTINGS_BOUNDS.aftercareProcessingDays;
    const days = input.aftercareProcessingDays;
    if (!isInteger(days) || days < min || days > max) {
      return refuse(
        'aftercareProcessingDays',
        'out-of-range',
        `aftercareProcessingDays (AC-DECIDE) must be a whole number of days from ${min} to ${max}`,
      );
    }
    settings.aftercareProcessingDays = days;
  }

  if (input.municipalStandardRules !== undefined) {
    if (!Array.isArray(input.municipalStandardRules)) {
      return refuse(
        'municipalStandardRules',
        'invalid-type',
        'municipalStandardRules must be a list of rule ids',
      );
    }
    for (const [i, ruleId] of input.municipalStandardRules.entries()) {
      if (!isRuleId(ruleId)) {
        return refuse(
          `municipalStandardRules[${i}]`,
          'unknown-rule',
          `${String(ruleId)} is not a rule of the pack`,
        );
      }
      if (!pack.rules.some((rule) => rule.ruleId === ruleId && rule.basis === 'municipal-standard')) {
        return refuse(
          `municipalStandardRules[${i}]`,
          'not-a-municipal-standard',
          `${ruleId} is not a municipal standard; only rules with basis municipal-standard can be switched on or off`,
        );
      }
    }
    settings.municipalStandardRules = [...new Set(input.municipalStandardRules as RuleId[])];
  }

  if (input.warningLeads !== undefined) {
    const leads = input.warningLeads;
    if (leads === null || typeof leads !== 'object' || Array.isArray(leads)) {
      return refuse('warningLeads', 'invalid-type', 'warningLeads must be an object keyed by rule id');
    }
    const { min, max } = MUNICIPAL_SETTINGS_BOUNDS.warningLeadDays;
    const warningLeadDays: Partial<Record<RuleId, number>> = {};
    for (const [ruleId, value] of Object.entries(leads)) {
      if (!isRuleId(ruleId)) {
        return refuse(`warningLeads.${ruleId}`, 'unknown-rule', `${ruleId} is not a rule of the pack`);
      }
      const days = leadDays(value);
      if (days === undefined || days < min || days > max) {
        return refuse(
          `warningLeads.${ruleId}`,
          'invalid-warning-lead',
          `A warning lead is whole days from ${min} to ${max}: a number, or P3D, P1W, PT48H`,
        );
      }
      warningLeadDays[ruleId] = days;
    }
    settings.warningLeadDays = warningLeadDays;
  }

  if (input.reoffenceAssessmentDays !== undefined) {
    const { min, max } = MUNICIPAL_SETTINGS_BOUNDS.reoffenceAssessmentDays;
    const days = input.reoffenceAssessmentDays;
    if (!isInteger(days) || days < min || days > max) {
      return refuse(
        'reoffenceAssessmentDays',
        'out-of-range',
        `reoffenceAssessmentDays (NSR-REOFFENCE) must be a whole number of days from ${min} to ${max}`,
      );
    }
    settings.dueDays = { 'NSR-REOFFENCE': days };
  }

  return { ok: true, value: { effectiveFrom, settings } };
}
