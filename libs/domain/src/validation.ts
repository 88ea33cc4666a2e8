import { isUtcInstant, isValidLocalDate } from './calendar';
import { containsCprNumber } from './people/cpr';
import { domainError, fail, ok, type DomainError, type Result } from './errors';

/** One check of a command's input: an error, or undefined when the input is fine. */
export type Check = DomainError | undefined;

/** The first failing check, as a refused Result; ok otherwise. Checks run in order, so list cheap ones first. */
export function validate(...checks: ReadonlyArray<() => Check>): Result<void> {
  for (const check of checks) {
    const error = check();
    if (error !== undefined) return fail(error);
  }
  return ok(undefined);
}

export function instant(value: unknown, field: string): Check {
  return typeof value === 'string' && isUtcInstant(value)
    ? undefined
    : domainError('invalid-instant', `${field} must be an ISO-8601 UTC instant ending in Z`, field);
}

export function localDate(value: unknown, field: string): Check {
  return typeof value === 'string' && isValidLocalDate(value)
    ? undefined
    : domainError('invalid-date', `${field} must be an existing calendar date (YYYY-MM-DD)`, field);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function identifier(value: unknown, field: string): Check {
  if (typeof value !== 'string' || !ID.test(value)) {
    return domainError('invalid-id', `${field} must be 1-100 letters, digits, '.', '_' or '-'`, field);
  }
  // A CPR number must never become (part of) an identifier: it would end up in obligation ids, logs and URLs.
  return containsCprNumber(value)
    ? domainError('id-looks-like-cpr', `${field} looks like a CPR number; use an opaque identifier`, field)
    : undefined;
}

export function optionalIdentifier(value: unknown, field: string): Check {
  return value === undefined || value === null ? undefined : identifier(value, field);
}

export function text(value: unknown, field: string, code = 'text-required'): Check {
  return typeof value === 'string' && value.trim().length > 0
    ? undefined
    : domainError(code, `${field} must be a non-empty text`, field);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): Check {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? undefined
    : domainError('invalid-value', `${field} must be one of: ${allowed.join(', ')}`, field);
}

export function boolean(value: unknown, field: string): Check {
  return typeof value === 'boolean'
    ? undefined
    : domainError('invalid-value', `${field} must be true or false`, field);
}

export function kommunekode(value: unknown, field: string): Check {
  return typeof value === 'string' && /^\d{3}$/.test(value)
    ? undefined
    : domainError('invalid-municipality', `${field} must be a three-digit kommunekode`, field);
}

export function isNewKey(existing: Readonly<Record<string, unknown>>, id: string, field: string): Check {
  return Object.hasOwn(existing, id)
    ? domainError('duplicate-id', `${field} is already recorded on this case`, field)
    : undefined;
}

export function textOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function idOrNull(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : value;
}
