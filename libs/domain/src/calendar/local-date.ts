import { DateTime } from 'luxon';

/**
 * Every legal date is a local date in this zone (DOMAIN.md, time rule 1). Midnight always exists here:
 * the DST changes happen at 02:00/03:00, so "start of local day" is never ambiguous.
 */
export const LEGAL_ZONE = 'Europe/Copenhagen';

/** 'YYYY-MM-DD', a calendar date in Europe/Copenhagen. */
export type LocalDate = string;

/** A due date and its breach instant. */
export interface Due {
  /** The last local day on which the obligation is met. */
  readonly dueDate: LocalDate;
  /** UTC instant of 00:00 local after `dueDate`: done strictly before it is in time (DOMAIN.md rule 12). */
  readonly dueAt: string;
}

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Hours stop at 23 because luxon would otherwise accept 24:00; milliseconds are the only precision we store.
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;

export function isValidLocalDate(s: string): boolean {
  return typeof s === 'string' && LOCAL_DATE.test(s) && DateTime.fromISO(s, { zone: LEGAL_ZONE }).isValid;
}

export function isUtcInstant(s: string): boolean {
  return typeof s === 'string' && UTC_INSTANT.test(s) && DateTime.fromISO(s, { zone: 'utc' }).isValid;
}

/** Malformed dates reaching the calendar are programmer errors (inputs are validated at the edge), hence throw. */
function localDay(date: LocalDate): DateTime {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${String(date)}`);
  return DateTime.fromISO(date, { zone: LEGAL_ZONE });
}

function instant(value: string): DateTime {
  if (!isUtcInstant(value)) throw new RangeError(`Not a UTC ISO-8601 instant: ${String(value)}`);
  return DateTime.fromISO(value, { zone: 'utc' });
}

function wholeNumber(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${String(n)}`);
  return n;
}

/** luxon only returns null for invalid DateTimes, which `localDay`/`instant` have already excluded. */
function isoDate(dt: DateTime): LocalDate {
  return dt.toISODate() as LocalDate;
}

function isoInstant(dt: DateTime): string {
  return dt.toUTC().toISO() as string;
}

/** The local (Copenhagen) date on which a UTC instant falls: 2025-03-29T23:30:00Z is 2025-03-30. */
export function localDateOf(value: string): LocalDate {
  return isoDate(instant(value).setZone(LEGAL_ZONE));
}

/** UTC instant of 00:00 local on `date`. */
export function startOfLocalDay(date: LocalDate): string {
  return isoInstant(localDay(date).startOf('day'));
}

/**
 * The breach instant of "due at the end of local day D" (DOMAIN.md rule 12): 00:00 local of D + 1. The day
 * may be 23 or 25 hours long across a DST change, which is why this is never `start + 86400000`.
 */
export function endOfLocalDay(date: LocalDate): string {
  return startOfLocalDay(addDays(date, 1));
}

export function addDays(date: LocalDate, n: number): LocalDate {
  return isoDate(localDay(date).plus({ days: wholeNumber(n, 'days') }));
}

/** Calendar months; a day that does not exist in the target month clamps to its last day (DOMAIN.md rule 3). */
export function addMonths(date: LocalDate, n: number): LocalDate {
  return isoDate(localDay(date).plus({ months: wholeNumber(n, 'months') }));
}

/** Calendar years, clamped like `addMonths`: 2024-02-29 + 1 year is 2025-02-28. */
export function addYears(date: LocalDate, n: number): LocalDate {
  return isoDate(localDay(date).plus({ years: wholeNumber(n, 'years') }));
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  const left = localDay(a).toMillis();
  const right = localDay(b).toMillis();
  return left < right ? -1 : left > right ? 1 : 0;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function dayOfWeek(date: LocalDate): number {
  return localDay(date).weekday;
}

/** Due at the end of local day `date`. */
export function dueOnDate(date: LocalDate): Due {
  return { dueDate: localDay(date).toISODate() as LocalDate, dueAt: endOfLocalDay(date) };
}

/** Due before `date` starts, i.e. at the end of the previous local day (e.g. "before the 23rd birthday"). */
export function dueBeforeDate(date: LocalDate): Due {
  return dueOnDate(addDays(date, -1));
}

/**
 * "Senest N dage efter X" (DOMAIN.md rule 2): the local day of X is day 0, so the obligation is due at the
 * end of local day date(X) + N.
 */
export function dueDaysAfter(value: string, days: number): Due {
  return dueOnDate(addDays(localDateOf(value), days));
}

/** "N måneder efter X" (DOMAIN.md rule 3): local date of X plus N calendar months, clamped to month end. */
export function dueMonthsAfter(value: string, months: number): Due {
  return dueOnDate(addMonths(localDateOf(value), months));
}

/** "N måneder før" a date such as the 18th birthday (DOMAIN.md rule 4): clamped the same way. */
export function dueMonthsBefore(date: LocalDate, months: number): Due {
  return dueOnDate(addMonths(date, -wholeNumber(months, 'months')));
}
