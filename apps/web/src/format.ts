/**
 * Danish text for instants, dates and durations. Every legal date is a local date in Copenhagen, so every
 * instant is shown in Copenhagen time whatever the browser's own zone is.
 */
export const ZONE = 'Europe/Copenhagen';
const LOCALE = 'da-DK';

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: ZONE,
  dateStyle: 'long',
  timeStyle: 'short',
});
const dateFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: ZONE, dateStyle: 'long' });
// A local date (YYYY-MM-DD) is a calendar day, not an instant: format it at noon UTC so no zone moves it.
const localDateFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', dateStyle: 'long' });
const monthFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', month: 'short', year: 'numeric' });
const longMonthFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', month: 'long', year: 'numeric' });
const partsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const relative = new Intl.RelativeTimeFormat('da', { numeric: 'always' });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat(LOCALE);

/** "29. marts 2026 kl. 03.30": an instant in Copenhagen time. */
export function formatDateTime(instant: string | Date): string {
  return dateTimeFormat.format(new Date(instant));
}

/** "29. marts 2026": the Copenhagen date of an instant. */
export function formatDate(instant: string | Date): string {
  return dateFormat.format(new Date(instant));
}

/** "10. marts 2026": a local date as the API gives it (YYYY-MM-DD). */
export function formatLocalDate(date: string): string {
  return localDateFormat.format(new Date(`${date}T12:00:00Z`));
}

/** "mar. 2026" (short, for chart axes) or "marts 2026" (long, for tables) from YYYY-MM. */
export function formatMonth(month: string, style: 'short' | 'long' = 'short'): string {
  const at = new Date(`${month}-15T12:00:00Z`);
  return (style === 'short' ? monthFormat : longMonthFormat).format(at);
}

export function formatPercent(share: number): string {
  return percent.format(share);
}

export function formatCount(count: number): string {
  return integer.format(count);
}

/** The Copenhagen wall clock of an instant: local date YYYY-MM-DD and time HH:MM:SS. */
export function copenhagenParts(instant: string | Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    partsFormat.formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
  };
}

/** YYYY-MM of an instant in Copenhagen. */
export function copenhagenMonth(instant: string | Date): string {
  return copenhagenParts(instant).date.slice(0, 7);
}

/** The local date before `date` (calendar arithmetic, no zone involved). */
export function previousLocalDate(date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() - 1);
  return at.toISOString().slice(0, 10);
}

/**
 * A deadline as people say it. Most deadlines are "no later than local day D": due at the Copenhagen midnight
 * that ends D, and shown as that day ("10. marts 2026"), not as the midnight after it. A deadline at any other
 * instant is shown with its time.
 */
export function formatDeadline(dueAt: string): string {
  const local = copenhagenParts(dueAt);
  if (local.time === '00:00:00') return formatLocalDate(previousLocalDate(local.date));
  return formatDateTime(dueAt);
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The largest unit that makes a whole number, counted down (floor), as a spoken duration. */
function wholeUnits(ms: number): { value: number; unit: Intl.RelativeTimeFormatUnit } {
  if (ms < MINUTE) return { value: Math.floor(ms / SECOND), unit: 'second' };
  if (ms < HOUR) return { value: Math.floor(ms / MINUTE), unit: 'minute' };
  if (ms < DAY) return { value: Math.floor(ms / HOUR), unit: 'hour' };
  if (ms < 60 * DAY) return { value: Math.floor(ms / DAY), unit: 'day' };
  if (ms < 730 * DAY) return { value: Math.floor(ms / (30.44 * DAY)), unit: 'month' };
  return { value: Math.floor(ms / (365.25 * DAY)), unit: 'year' };
}

/**
 * Time left to a due instant, or how long ago it passed: "om 2 dage", "overskredet for 3 timer siden". The due
 * instant is the breach instant, so at the instant itself the deadline is overskredet.
 */
export function timeToDue(dueAt: string, now: Date | number): string {
  const diff = Date.parse(dueAt) - (typeof now === 'number' ? now : now.getTime());
  const { value, unit } = wholeUnits(Math.abs(diff));
  if (diff > 0) return relative.format(value, unit);
  return `overskredet ${relative.format(-value, unit)}`;
}

/** How long ago something happened, or how far ahead: "for 5 minutter siden", "om 2 dage". */
export function timeFrom(instant: string, now: Date | number): string {
  const diff = Date.parse(instant) - (typeof now === 'number' ? now : now.getTime());
  const { value, unit } = wholeUnits(Math.abs(diff));
  return relative.format(diff >= 0 ? value : -value, unit);
}

const UNIT_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  second: ['sekund', 'sekunder'],
  minute: ['minut', 'minutter'],
  hour: ['time', 'timer'],
  day: ['dag', 'dage'],
  month: ['måned', 'måneder'],
  year: ['år', 'år'],
};

/** A length of time in words, counted down: "3 dage", "1 time". */
export function formatDuration(ms: number): string {
  const { value, unit } = wholeUnits(Math.abs(ms));
  const [one, many] = UNIT_WORDS[unit];
  return `${integer.format(value)} ${value === 1 ? one : many}`;
}

/** The first 8 characters of a UUID: enough to tell cases apart on a screen. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
