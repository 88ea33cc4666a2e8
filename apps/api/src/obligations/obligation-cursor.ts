import { isValidLocalDate } from '@fristvagt/domain';
import type { ObligationCursor } from '@fristvagt/projections';

// The read model's sort key: a due instant to the microsecond, or 'infinity' for an obligation without a due.
const DUE_SORT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Longer than any cursor the read model makes (an obligation id is at most 300 characters). */
const MAX_CURSOR_LENGTH = 1_024;

/** The keyset of the last row of a page, as the opaque `next` token: base64url of its JSON. */
export function encodeCursor(cursor: ObligationCursor): string {
  const { dueSort, caseId, obligationId } = cursor;
  return Buffer.from(JSON.stringify({ dueSort, caseId, obligationId }), 'utf8').toString('base64url');
}

/**
 * The inverse of encodeCursor; undefined for anything it did not make. A token that decodes but would not
 * be encoded the same way again (a flipped bit, padding, another key order) is refused as well, so a
 * tampered cursor is an error rather than a silently different page.
 */
export function decodeCursor(token: unknown): ObligationCursor | undefined {
  if (typeof token !== 'string' || token.length > MAX_CURSOR_LENGTH || !BASE64URL.test(token))
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { dueSort, caseId, obligationId } = parsed as Record<string, unknown>;
  if (
    typeof dueSort !== 'string' ||
    typeof caseId !== 'string' ||
    typeof obligationId !== 'string' ||
    !(dueSort === 'infinity' || (DUE_SORT.test(dueSort) && isValidLocalDate(dueSort.slice(0, 10)))) ||
    !UUID.test(caseId) ||
    obligationId.length === 0 ||
    obligationId.length > 300
  ) {
    return undefined;
  }
  const cursor = { dueSort, caseId, obligationId };
  return encodeCursor(cursor) === token ? cursor : undefined;
}
