import { domainError, fail, ok, type Result } from '../errors';
import { isValidLocalDate, type LocalDate } from '../calendar';

/** A CPR number in normal form with the birth date it encodes. */
export interface ParsedCpr {
  /** 'DDMMYYSSSS', 10 digits. Sensitive personal data: never in logs, stream names, URLs or messages. */
  readonly normalized: string;
  readonly birthDate: LocalDate;
}

// ASCII digits only (no `u` flag, so \d is [0-9]); the hyphen between date and serial is optional.
const CPR_SHAPE = /^(\d{2})(\d{2})(\d{2})-?(\d{4})$/;

/**
 * The century of a two-digit birth year, from the 7th digit (DOMAIN.md rule 7, CPR-kontorets table):
 * 0-3 → 1900s; 4 and 9 → 2000-2036 else 1937-1999; 5-8 → 2000-2057 else 1858-1899.
 */
export function cprBirthYear(yy: number, seventhDigit: number): number {
  if (seventhDigit <= 3) return 1900 + yy;
  if (seventhDigit === 4 || seventhDigit === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

/**
 * Parses 'DDMMYY-SSSS' or 'DDMMYYSSSS' (surrounding whitespace ignored). No modulus-11 check: numbers failing it
 * have been issued since 2007. Error messages never echo the input, since it is sensitive.
 */
export function parseCpr(input: string): Result<ParsedCpr> {
  const match = typeof input === 'string' ? CPR_SHAPE.exec(input.trim()) : null;
  if (match === null) {
    return fail(
      domainError(
        'cpr-malformed',
        'A CPR number must be ten digits, written DDMMYY-SSSS or DDMMYYSSSS.',
        'cpr',
      ),
    );
  }
  const [, dd, mm, yy, serial] = match;
  const birthDate = `${cprBirthYear(Number(yy), Number(serial[0]))}-${mm}-${dd}`;
  if (!isValidLocalDate(birthDate)) {
    return fail(
      domainError('cpr-impossible-date', 'The CPR number does not encode a real birth date.', 'cpr'),
    );
  }
  return ok({ normalized: `${dd}${mm}${yy}${serial}`, birthDate });
}

// Ten digits, hyphen optional after six, not inside a longer run of digits: no date check, as it always was.
const CPR_PLAIN = /(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])/;

// The other forms people type. Spaces include the no-break, narrow no-break and thin spaces word processors
// put in; dashes the en and em dash, the minus sign and the Unicode hyphens an editor substitutes for '-'.
const SPACE = '[ \\u00a0\\u202f\\u2009]';
const DASH = '[\\-\\u2010\\u2011\\u2012\\u2013\\u2014\\u2212]';
const DAY = '(?:0[1-9]|[12][0-9]|3[01])';
const MONTH = '(?:0[1-9]|1[0-2])';
/** Between the birth date and the serial: a dash, '/' or '.' with optional spaces around it, or spaces. */
const BEFORE_SERIAL = `(?:${SPACE}*(?:${DASH}|[/.])${SPACE}*|${SPACE}+)`;
/** Inside the birth date, the same separator twice: 01.03.10, 01-03-10, 01/03/10, 01 03 10. */
const DATE_SEPARATOR = `(?:\\.|/|${DASH}|${SPACE})`;
const CPR_WRITTEN = new RegExp(
  `(?<![0-9])${DAY}(?:` +
    `${MONTH}[0-9]{2}${BEFORE_SERIAL}` +
    `|(${DATE_SEPARATOR})${MONTH}\\1[0-9]{2}${BEFORE_SERIAL}?` +
    `)[0-9]{4}(?![0-9])`,
);

/**
 * Whether text contains a CPR number in any form people type: the ten digits plain or with a hyphen after
 * six (`0103104123`, `010310-4123`), and the forms word processors and people make of it: a space, an en or
 * em dash, a minus sign or a slash between date and serial (`010310 4123`, `010310 – 4123`), and a birth
 * date written with dots, dashes, slashes or spaces (`01.03.10-4123`, `01.03.10 4123`, `01/03/10-4123`,
 * `01 03 10 4123`, `01.03.104123`). It guards what would otherwise be stored or logged in clear (ids, free
 * text, request ids); callers refuse the text, never rewrite it.
 *
 * The balance: the plain and hyphen forms stay deliberately broad (any ten digits, no date check: a
 * ten-digit number that is not a CPR number is refused too, which costs a rewording, while a missed CPR
 * number is a breach). The written forms must start with a possible day (01-31) and month (01-12) and end
 * in exactly four digits, so that ordinary text passes: dates with a four-digit year (`mødet 01.03.2026
 * kl. 10`, `01.03.2026-31.03.2026`), eight-digit phone numbers in any grouping (`tlf. 12 34 56 78`,
 * `+45 1234 5678`), amounts and times. What is still refused is a two-digit-year date followed by four
 * digits (`01.03.26 1030`); what is not recognised is a CPR number split further (`01 03 10 41 23`,
 * the serial split in two) or with a four-digit year.
 */
export function containsCprNumber(text: string): boolean {
  return CPR_PLAIN.test(text) || CPR_WRITTEN.test(text);
}

const CPR_PLAIN_ALL = new RegExp(CPR_PLAIN.source, 'g');
const CPR_WRITTEN_ALL = new RegExp(CPR_WRITTEN.source, 'g');

/**
 * `text` with every CPR number that `containsCprNumber` recognises replaced by `censor`: for output that must
 * go on (log lines), where refusing is not an option. `censor` must not itself contain digits.
 */
export function replaceCprNumbers(text: string, censor: string): string {
  return text.replace(CPR_WRITTEN_ALL, censor).replace(CPR_PLAIN_ALL, censor);
}

/** 'DDMMYY-XXXX': the birth date part only, for display to caseworkers. Never log even this. */
export function maskCpr(normalized: string): string {
  if (typeof normalized !== 'string' || !/^\d{10}$/.test(normalized)) {
    throw new RangeError('maskCpr expects a normalized CPR number of ten digits');
  }
  return `${normalized.slice(0, 6)}-XXXX`;
}
