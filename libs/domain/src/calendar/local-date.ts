import { DateTime } from 'luxon';

/**
 * Every legal date is a local date in this zone (DOMAIN.md, time rule 1). Midnight always exists here:
 * the DST changes happen at 02:00/03:00, so "start of local day" is never ambiguous.
 */
export const LEGAL_ZONE = 'Europe/Copenhagen';

/** 'YYYY-MM-DD', a calendar date in Europe/Copenhagen. */
export type LocalDate = string;

/** The last local date the calendar represents: dates and instants are written with four-digit years. */
export const LATEST_LOCAL_DATE: LocalDate = '9999-12-31';

/**
 * A date the calendar cannot represent: arithmetic or a zone conversion left the years 0001-9999 (or a
 * holiday table's years). Unlike the other RangeErrors here it is not a programmer error, since the inputs
 * were valid: a fact late in year 9999 whose deadline falls in year 10000. The two edges that compute from
 * outside input (`decideCase`, `dueFor`) turn it into the refusal `instant-out-of-range`.
 */
export class DateOutOfRange extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'DateOutOfRange';
  }
}

/** A due date and its breach instant. */
export interface Due {
  /** The last local day on which the obligation is met. */
  readonly dueDate: LocalDate;
  /** UTC instant of 00:00 local after `dueDate`: done strictly before it is in time (DOMAIN.md rule 12). */
  readonly dueAt: string;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Hours stop at 23 because luxon would otherwise accept 24:00; milliseconds are the only precision we store.
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{3})?Z$/;

// Checked by hand rather than by luxon: this runs for every date the deciders touch, and luxon's
// zone-aware parse costs an Intl call per date.
export function isValidLocalDate(s: string): boolean {
  const match = typeof s === 'string' ? LOCAL_DATE.exec(s) : null;
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isUtcInstant(s: string): boolean {
  // The pattern bounds hours, minutes and seconds; only the date part can still be impossible.
  return typeof s === 'string' && UTC_INSTANT.test(s) && isValidLocalDate(s.slice(0, 10));
}

/**
 * A UTC instant whose local date the calendar can represent: any instant up to 9999-12-31T22:59:59.999Z
 * (local midnight of year 10000 comes an hour before UTC's).
 */
export function isRepresentableInstant(s: string): boolean {
  return isUtcInstant(s) && s < LATEST_INSTANT_END;
}

const LATEST_INSTANT_END = '9999-12-31T23:00:00';

/**
 * Calendar dates as whole days since 1970-01-01 (proleptic Gregorian). Days, months and years between
 * calendar dates do not depend on a zone, so date arithmetic is integer arithmetic here; only the
 * conversions between dates and instants (startOfLocalDay, localDateOf) use the legal zone. This runs for
 * every date a decider touches, which is why it does not go through luxon.
 * Malformed dates reaching the calendar are programmer errors (inputs are validated at the edge), hence throw.
 */
interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function civil(date: LocalDate): CivilDate {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${String(date)}`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function formatCivil({ year, month, day }: CivilDate): LocalDate {
  if (year < 1 || year > 9999) throw new DateOutOfRange(`The year ${year} is outside 0001-9999`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Howard Hinnant's days_from_civil / civil_from_days.
function epochDay({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromEpochDay(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function instant(value: string): DateTime {
  if (!isUtcInstant(value)) throw new RangeError(`Not a UTC ISO-8601 instant: ${String(value)}`);
  return DateTime.fromISO(value, { zone: 'utc' });
}

function wholeNumber(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${String(n)}`);
  return n;
}

/** luxon only returns null for invalid DateTimes, which `instant` has already excluded. */
function isoDate(dt: DateTime): LocalDate {
  // Past 9999 luxon writes an expanded year (`+010000-01-01`), which is no LocalDate.
  if (dt.year > 9999) throw new DateOutOfRange(`The year ${dt.year} is outside 0001-9999`);
  return dt.toISODate() as LocalDate;
}

function isoInstant(dt: DateTime): string {
  return dt.toUTC().toISO() as string;
}

/**
 * A bounded memo for the two conversions that need the zone's offset: luxon asks Intl for it each time,
 * which dominated the deciders' time, while the same dates and instants recur across a case's rules.
 */
function memoized(fn: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = fn(key);
      if (cache.size >= 10_000) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/**
 * The local (Copenhagen) date on which a UTC instant falls: 2025-03-29T23:30:00Z is 2025-03-30. Throws
 * DateOutOfRange from 9999-12-31T23:00:00Z on, which falls on local date 10000-01-01.
 */
export const localDateOf: (value: string) => LocalDate = memoized((value) =>
  isoDate(instant(value).setZone(LEGAL_ZONE)),
);

/** UTC instant of 00:00 local on `date`. */
export const startOfLocalDay: (date: LocalDate) => string = memoized((date) => {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${String(date)}`);
  return isoInstant(DateTime.fromISO(date, { zone: LEGAL_ZONE }).startOf('day'));
});

/**
 * The breach instant of "due at the end of local day D" (DOMAIN.md rule 12): 00:00 local of D + 1. The day
 * may be 23 or 25 hours long across a DST change, which is why this is never `start + 86400000`.
 */
export function endOfLocalDay(date: LocalDate): string {
  return startOfLocalDay(addDays(date, 1));
}

export function addDays(date: LocalDate, n: number): LocalDate {
  return formatCivil(fromEpochDay(epochDay(civil(date)) + wholeNumber(n, 'days')));
}

/** Calendar months; a day that does not exist in the target month clamps to its last day (DOMAIN.md rule 3). */
export function addMonths(date: LocalDate, n: number): LocalDate {
  const { year, month, day } = civil(date);
  const index = year * 12 + (month - 1) + wholeNumber(n, 'months');
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return formatCivil({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Calendar years, clamped like `addMonths`: 2024-02-29 + 1 year is 2025-02-28. */
export function addYears(date: LocalDate, n: number): LocalDate {
  return addMonths(date, wholeNumber(n, 'years') * 12);
}

export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  // Valid YYYY-MM-DD dates order as their text does.
  for (const date of [a, b]) {
    if (!isValidLocalDate(date)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${String(date)}`);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function dayOfWeek(date: LocalDate): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((epochDay(civil(date)) + 3) % 7) + 7) % 7) + 1;
}

/** Due at the end of local day `date`. */
export function dueOnDate(date: LocalDate): Due {
  return { dueDate: formatCivil(civil(date)), dueAt: endOfLocalDay(date) };
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
