import { isValidLocalDate } from '@fristvagt/domain';

/** The opaque `next` token of a paged read-model query, and its inverse. */
export interface KeysetCursor<K> {
  encode(keyset: K): string;
  /**
   * Undefined for anything `encode` did not make. A token that decodes but would not be encoded the same way
   * again (a flipped bit, padding, another key order) is refused as well, so a tampered cursor is an error
   * rather than a silently different page.
   */
  decode(token: unknown): K | undefined;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MICROSECOND_INSTANT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;
const LOWER_CASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An instant as the read models sort it, to the microsecond: `2026-03-25T12:00:01.204512Z`. */
export function isMicrosecondInstant(value: unknown): value is string {
  return typeof value === 'string' && MICROSECOND_INSTANT.test(value) && isValidLocalDate(value.slice(0, 10));
}

/** A UUID as the read models keep it, in lower case. */
export function isStoredUuid(value: unknown): value is string {
  return typeof value === 'string' && LOWER_CASE_UUID.test(value);
}

/**
 * The keyset of the last row of a page as base64url of its JSON, with `fields` in that order and nothing
 * else. `isKeyset` checks the decoded fields; `maxLength` is longer than any token `encode` makes.
 */
export function keysetCursor<K extends object>(options: {
  readonly fields: readonly (keyof K & string)[];
  readonly maxLength: number;
  readonly isKeyset: (fields: Readonly<Record<string, unknown>>) => boolean;
}): KeysetCursor<K> {
  const { fields, maxLength, isKeyset } = options;
  const pick = (from: object): K =>
    Object.fromEntries(fields.map((field) => [field, (from as Record<string, unknown>)[field]])) as K;
  const encode = (keyset: K): string =>
    Buffer.from(JSON.stringify(pick(keyset)), 'utf8').toString('base64url');
  const decode = (token: unknown): K | undefined => {
    if (typeof token !== 'string' || token.length > maxLength || !BASE64URL.test(token)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    if (!isKeyset(parsed as Record<string, unknown>)) return undefined;
    const keyset = pick(parsed);
    return encode(keyset) === token ? keyset : undefined;
  };
  return { encode, decode };
}
