import { isValidLocalDate } from '@fristvagt/domain';

/** The keyset of the last delivery of a page: newest first, so the next page is what was created before it. */
export interface DeliveryCursor {
  /** The delivery's creation instant to the microsecond, as the read model sorts it. */
  readonly createdAt: string;
  readonly deliveryId: string;
}

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_CURSOR_LENGTH = 256;

/** The opaque `next` token: base64url of the keyset's JSON, as the obligations' cursor. */
export function encodeDeliveryCursor(cursor: DeliveryCursor): string {
  const { createdAt, deliveryId } = cursor;
  return Buffer.from(JSON.stringify({ createdAt, deliveryId }), 'utf8').toString('base64url');
}

/**
 * The inverse of encodeDeliveryCursor; undefined for anything it did not make, including a token that decodes
 * but would not be encoded the same way again (so a tampered cursor is an error, not another page).
 */
export function decodeDeliveryCursor(token: unknown): DeliveryCursor | undefined {
  if (typeof token !== 'string' || token.length > MAX_CURSOR_LENGTH || !BASE64URL.test(token))
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { createdAt, deliveryId } = parsed as Record<string, unknown>;
  if (
    typeof createdAt !== 'string' ||
    typeof deliveryId !== 'string' ||
    !CREATED_AT.test(createdAt) ||
    !isValidLocalDate(createdAt.slice(0, 10)) ||
    !UUID.test(deliveryId)
  ) {
    return undefined;
  }
  const cursor = { createdAt, deliveryId };
  return encodeDeliveryCursor(cursor) === token ? cursor : undefined;
}
