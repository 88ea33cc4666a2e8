import { isDanishPublicHoliday } from './holidays';
import { addDays, dayOfWeek, dueOnDate, type Due, type LocalDate } from './local-date';

/** Days commonly treated as non-working though not helligdage (DOMAIN.md rule 5): off by default. */
export type ExtraNonWorkingDay = 'constitution-day' | 'christmas-eve' | 'new-years-eve';

export const EXTRA_NON_WORKING_DAYS: Readonly<
  Record<ExtraNonWorkingDay, { readonly month: number; readonly day: number; readonly name: string }>
> = Object.freeze({
  'constitution-day': { month: 6, day: 5, name: 'Grundlovsdag' },
  'christmas-eve': { month: 12, day: 24, name: 'Juleaftensdag' },
  'new-years-eve': { month: 12, day: 31, name: 'Nytårsaftensdag' },
});

export interface WorkingDayOptions {
  /** Extra days a municipality treats as non-working. Default: none. */
  readonly extraNonWorkingDays?: readonly ExtraNonWorkingDay[];
}

const SATURDAY = 6;

function isExtraNonWorkingDay(date: LocalDate, extras: readonly ExtraNonWorkingDay[]): boolean {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return extras.some((extra) => {
    if (!Object.hasOwn(EXTRA_NON_WORKING_DAYS, extra))
      throw new RangeError(`Unknown extra non-working day: ${String(extra)}`);
    const entry = EXTRA_NON_WORKING_DAYS[extra];
    return entry.month === month && entry.day === day;
  });
}

/** Monday to Friday, minus Danish public holidays, minus the extra days chosen in `options`. */
export function isWorkingDay(date: LocalDate, options: WorkingDayOptions = {}): boolean {
  // dayOfWeek validates the date before the string is sliced below.
  return (
    dayOfWeek(date) < SATURDAY &&
    !isDanishPublicHoliday(date) &&
    !isExtraNonWorkingDay(date, options.extraNonWorkingDays ?? [])
  );
}

/**
 * `date` itself if it is a working day, else the next one. Terminates quickly: no run of non-working
 * days is longer than Easter's Thursday-to-Monday plus a few extras.
 */
export function rollForward(date: LocalDate, options: WorkingDayOptions = {}): LocalDate {
  let candidate = date;
  while (!isWorkingDay(candidate, options)) candidate = addDays(candidate, 1);
  return candidate;
}

/** Strict due plus, where roll-forward is on, the rolled due (DOMAIN.md rule 5). */
export interface RolledDue {
  readonly strict: Due;
  /** `null` when roll-forward is off (the default); alerts use this one when present. */
  readonly rolled: Due | null;
}

/**
 * The statutes are silent on rolling a municipal duty forward, so strict calendar days are the default; a
 * municipality may enable it per rule, and then the obligation carries both dues (DOMAIN.md rule 5).
 */
export function applyRollForward(
  strict: Due,
  rollForwardOn: boolean,
  options: WorkingDayOptions = {},
): RolledDue {
  return { strict, rolled: rollForwardOn ? dueOnDate(rollForward(strict.dueDate, options)) : null };
}
