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

// Ten digits, hyphen optional after six, not inside a longer run of digits.
const CPR_ANYWHERE = /(?<!\d)\d{6}-?\d{4}(?!\d)/;

/**
 * Whether text contains something shaped like a CPR number anywhere. Deliberately broad (no date check): it
 * guards what would otherwise be stored or logged in clear (ids, free text, request ids).
 */
export function containsCprNumber(text: string): boolean {
  return CPR_ANYWHERE.test(text);
}

/** 'DDMMYY-XXXX': the birth date part only, for display to caseworkers. Never log even this. */
export function maskCpr(normalized: string): string {
  if (typeof normalized !== 'string' || !/^\d{10}$/.test(normalized)) {
    throw new RangeError('maskCpr expects a normalized CPR number of ten digits');
  }
  return `${normalized.slice(0, 6)}-XXXX`;
}
