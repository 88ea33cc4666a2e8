import { addYears, compareLocalDates, type LocalDate } from '../calendar';

/**
 * Where someone born on 29 February has their birthday in a non-leap year (DOMAIN.md rule 6). The documented
 * default is 1 March; 28 February is the configurable alternative.
 */
export type LeapDayBirthdayRule = 'march-1' | 'february-28';

export const DEFAULT_LEAP_DAY_BIRTHDAY_RULE: LeapDayBirthdayRule = 'march-1';

function checkAge(age: number): void {
  if (!Number.isSafeInteger(age) || age < 0)
    throw new RangeError(`Age must be a non-negative integer, got ${age}`);
}

/** The local date of the `age`th birthday (the 0th is the birth date). */
export function birthday(
  birthDate: LocalDate,
  age: number,
  rule: LeapDayBirthdayRule = DEFAULT_LEAP_DAY_BIRTHDAY_RULE,
): LocalDate {
  checkAge(age);
  // addYears validates the date and clamps 29 Feb to 28 Feb in a non-leap year, which is the 'february-28' rule.
  const clamped = addYears(birthDate, age);
  const clampedAwayFromLeapDay = birthDate.endsWith('-02-29') && clamped.endsWith('-02-28');
  return clampedAwayFromLeapDay && rule === 'march-1' ? `${clamped.slice(0, 4)}-03-01` : clamped;
}

/**
 * Completed years on local date `date`: N years old from the start of the local day of the Nth birthday
 * (DOMAIN.md rule 6). Throws for a date before birth; ask `isUnder` for cases about an unborn child.
 */
export function ageOn(
  birthDate: LocalDate,
  date: LocalDate,
  rule: LeapDayBirthdayRule = DEFAULT_LEAP_DAY_BIRTHDAY_RULE,
): number {
  if (compareLocalDates(date, birthDate) < 0) throw new RangeError('ageOn: date is before the birth date');
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return compareLocalDates(date, birthday(birthDate, years, rule)) < 0 ? years - 1 : years;
}

/** "Under `age` on `date`", e.g. under 18 at receipt: the local date is before the `age`th birthday. */
export function isUnder(
  age: number,
  birthDate: LocalDate,
  date: LocalDate,
  rule: LeapDayBirthdayRule = DEFAULT_LEAP_DAY_BIRTHDAY_RULE,
): boolean {
  return compareLocalDates(date, birthday(birthDate, age, rule)) < 0;
}
