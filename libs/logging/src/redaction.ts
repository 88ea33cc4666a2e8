import { replaceCprNumbers } from '@fristvagt/domain';

/** What a CPR number or a secret is replaced with in log output. */
export const CPR_CENSOR = '[REDACTED-CPR]';
export const SECRET_CENSOR = '[REDACTED]';

/** Keys whose values are secret wherever they occur in a log record (compared case-insensitively). */
export const SECRET_KEYS = ['cpr', 'authorization', 'password', 'cookie'] as const;

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * A copy of a log record's fields with the value of every secret key censored, at any depth and of any
 * type (pino's own `redact` reaches one level per `*` wildcard). Only plain objects and arrays are
 * walked; errors, dates and buffers are left to pino's serializers and then to the line filter below.
 */
export function censorSecretKeys<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item: unknown) => censorSecretKeys(item, seen)) as T;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_KEY_SET.has(key.toLowerCase()) ? SECRET_CENSOR : censorSecretKeys(field, seen);
  }
  return copy as T;
}

// One pass over a serialized JSON line: a string literal, or a bare 10-digit number (a CPR number
// without hyphen logged as a number), which must be replaced by a quoted string to keep the line JSON.
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|(?<![\w.+-])\d{10}(?![\w.])/g;

// The password of a URL with credentials (`postgres://app:secret@db`), e.g. quoted in a driver's error message.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:@/\s"\\]*:)[^@/\s"\\]+@/gi;

const SECRET_KEY_VALUE = new RegExp(
  `"(${SECRET_KEYS.join('|')})":("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*|true|false)`,
  'gi',
);

/**
 * Censors one serialized log line (pino's JSON): every CPR number in any string, in every form people type
 * (the domain's `containsCprNumber`: plain, hyphen, space, dashes, dotted dates; deliberately broad, so a
 * ten-digit id that is not a CPR number is censored too), and every bare ten-digit number, the scalar value of any key named like a secret at any depth, including keys that a serializer
 * produced (an error's own fields), and the password of any URL. The result is valid JSON.
 */
export function redactLogLine(line: string): string {
  return line
    .replace(URL_PASSWORD, `$1${SECRET_CENSOR}@`)
    .replace(SECRET_KEY_VALUE, (_match, key: string) => `"${key}":"${SECRET_CENSOR}"`)
    .replace(JSON_TOKENS, (token) => (token.startsWith('"') ? redactOutsideUuids(token) : `"${CPR_CENSOR}"`));
}

/** A UUID (case, request, event ids): random hex in which six digits, a hyphen and four more occur by chance. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** CPR numbers censored in a string, except inside the UUIDs it holds, which are ids and stay readable. */
function redactOutsideUuids(text: string): string {
  let out = '';
  let from = 0;
  for (const match of text.matchAll(UUID)) {
    out += replaceCprNumbers(text.slice(from, match.index), CPR_CENSOR) + match[0];
    from = match.index + match[0].length;
  }
  return out + replaceCprNumbers(text.slice(from), CPR_CENSOR);
}
