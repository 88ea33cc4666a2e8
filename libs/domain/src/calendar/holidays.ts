import Holidays from 'date-holidays';
import { addDays, DateOutOfRange, isValidLocalDate, LEGAL_ZONE, type LocalDate } from './local-date';

/** A Danish public holiday (helligdag) as listed in DOMAIN.md, time rule 5. */
export interface Holiday {
  readonly date: LocalDate;
  /** Danish name, e.g. 'Skærtorsdag'. */
  readonly name: string;
  /** Stable identifier, e.g. 'maundy-thursday'. */
  readonly key: HolidayKey;
}

export type HolidayKey =
  | 'new-years-day'
  | 'maundy-thursday'
  | 'good-friday'
  | 'easter-sunday'
  | 'easter-monday'
  | 'great-prayer-day'
  | 'ascension-day'
  | 'whit-sunday'
  | 'whit-monday'
  | 'christmas-day'
  | 'second-christmas-day';

/**
 * The years the holiday table has been checked for. Asking for another year throws DateOutOfRange: a due
 * rolled forward from a valid but distant date (the due calculator takes any instant) is refused, not guessed.
 */
export const HOLIDAY_YEARS = { from: 1900, to: 2100 } as const;

/** Store bededag was abolished as a helligdag from 2024 (DOMAIN.md rule 5). */
const LAST_YEAR_WITH_GREAT_PRAYER_DAY = 2023;

type Placement = { readonly month: number; readonly day: number } | { readonly easterOffset: number };

/** DOMAIN.md rule 5, as data: exactly these days and no others (Grundlovsdag etc. are in working-days.ts). */
const DANISH_HELLIGDAGE: readonly {
  readonly key: HolidayKey;
  readonly name: string;
  readonly at: Placement;
}[] = [
  { key: 'new-years-day', name: 'Nytårsdag', at: { month: 1, day: 1 } },
  { key: 'maundy-thursday', name: 'Skærtorsdag', at: { easterOffset: -3 } },
  { key: 'good-friday', name: 'Langfredag', at: { easterOffset: -2 } },
  { key: 'easter-sunday', name: 'Påskedag', at: { easterOffset: 0 } },
  { key: 'easter-monday', name: '2. påskedag', at: { easterOffset: 1 } },
  { key: 'great-prayer-day', name: 'Store bededag', at: { easterOffset: 26 } },
  { key: 'ascension-day', name: 'Kristi himmelfartsdag', at: { easterOffset: 39 } },
  { key: 'whit-sunday', name: 'Pinsedag', at: { easterOffset: 49 } },
  { key: 'whit-monday', name: '2. pinsedag', at: { easterOffset: 50 } },
  { key: 'christmas-day', name: 'Juledag', at: { month: 12, day: 25 } },
  { key: 'second-christmas-day', name: '2. juledag', at: { month: 12, day: 26 } },
];

const NAMES: ReadonlyMap<HolidayKey, string> = new Map(DANISH_HELLIGDAGE.map((h) => [h.key, h.name]));

/** How date-holidays (language 'da') names the same days; anything else it reports is ignored. */
const LIBRARY_NAMES: ReadonlyMap<string, HolidayKey> = new Map([
  ['nytårsdag', 'new-years-day'],
  ['skærtorsdag', 'maundy-thursday'],
  ['langfredag', 'good-friday'],
  ['påskedag', 'easter-sunday'],
  ['anden påskedag', 'easter-monday'],
  ['store bededag', 'great-prayer-day'],
  ['kristi himmelfartsdag', 'ascension-day'],
  ['pinsedag', 'whit-sunday'],
  ['anden pinsedag', 'whit-monday'],
  ['juledag', 'christmas-day'],
  ['anden juledag', 'second-christmas-day'],
]);

function checkYear(year: number): void {
  if (!Number.isInteger(year)) throw new RangeError(`Holiday year must be an integer, got ${year}`);
  if (year < HOLIDAY_YEARS.from || year > HOLIDAY_YEARS.to) {
    throw new DateOutOfRange(`Holiday year must be ${HOLIDAY_YEARS.from}-${HOLIDAY_YEARS.to}, got ${year}`);
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher); independent of date-holidays. */
export function easterSunday(year: number): LocalDate {
  checkYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

// ISO dates of one year sort correctly as strings.
const byDate = (a: Holiday, b: Holiday): number => a.date.localeCompare(b.date);

/** The DOMAIN.md list for `year`, computed from the rule alone. */
export function holidaysByRule(year: number): Holiday[] {
  const easter = easterSunday(year);
  return DANISH_HELLIGDAGE.filter(
    (h) => h.key !== 'great-prayer-day' || year <= LAST_YEAR_WITH_GREAT_PRAYER_DAY,
  )
    .map((h) => ({
      key: h.key,
      name: h.name,
      date:
        'easterOffset' in h.at
          ? addDays(easter, h.at.easterOffset)
          : `${year}-${pad(h.at.month)}-${pad(h.at.day)}`,
    }))
    .sort(byDate);
}

let library: Holidays | undefined;

/** date-holidays' public holidays for Denmark, restricted to the DOMAIN.md list and named our way. */
export function holidaysFromLibrary(year: number): Holiday[] {
  checkYear(year);
  library ??= new Holidays('DK', { languages: ['da'], timezone: LEGAL_ZONE });
  const holidays: Holiday[] = [];
  for (const h of library.getHolidays(year, 'da')) {
    const key = LIBRARY_NAMES.get(h.name.toLowerCase());
    // date-holidays gives 'YYYY-MM-DD hh:mm:ss' in the country's zone; the date part is the local date.
    if (h.type === 'public' && key !== undefined)
      holidays.push({ key, name: NAMES.get(key) as string, date: h.date.slice(0, 10) });
  }
  return holidays.sort(byDate);
}

export interface HolidayDiscrepancy {
  readonly key: HolidayKey;
  readonly rule: LocalDate | null;
  readonly library: LocalDate | null;
}

/** Where date-holidays and the DOMAIN.md rule differ for a year (a missing day on one side is `null`). */
export function compareHolidayLists(
  rule: readonly Holiday[],
  fromLibrary: readonly Holiday[],
): HolidayDiscrepancy[] {
  const ruleDates = new Map(rule.map((h) => [h.key, h.date]));
  const libraryDates = new Map(fromLibrary.map((h) => [h.key, h.date]));
  const keys = new Set([...ruleDates.keys(), ...libraryDates.keys()]);
  return [...keys]
    .map((key) => ({ key, rule: ruleDates.get(key) ?? null, library: libraryDates.get(key) ?? null }))
    .filter((d) => d.rule !== d.library);
}

/**
 * date-holidays is the source, checked day by day against the rule; if they disagree anywhere in a year,
 * DOMAIN.md wins and the rule's list is used for that year.
 */
export function reconcileHolidays(rule: readonly Holiday[], fromLibrary: readonly Holiday[]): Holiday[] {
  return compareHolidayLists(rule, fromLibrary).length === 0 ? [...fromLibrary] : [...rule];
}

// Holidays are looked up for every candidate day when rolling forward, so each year is computed once.
const perYear = new Map<
  number,
  { readonly list: readonly Holiday[]; readonly dates: ReadonlySet<LocalDate> }
>();

function holidaysOf(year: number): {
  readonly list: readonly Holiday[];
  readonly dates: ReadonlySet<LocalDate>;
} {
  let entry = perYear.get(year);
  if (entry === undefined) {
    const list = Object.freeze(
      reconcileHolidays(holidaysByRule(year), holidaysFromLibrary(year)).map((h) => Object.freeze(h)),
    );
    entry = { list, dates: new Set(list.map((h) => h.date)) };
    perYear.set(year, entry);
  }
  return entry;
}

/** Danish public holidays (helligdage) of `year` per DOMAIN.md rule 5, sorted by date. Years 1900-2100. */
export function danishPublicHolidays(year: number): Holiday[] {
  return [...holidaysOf(year).list];
}

export function isDanishPublicHoliday(date: LocalDate): boolean {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${String(date)}`);
  return holidaysOf(Number(date.slice(0, 4))).dates.has(date);
}
