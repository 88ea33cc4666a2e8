import { createHash } from 'node:crypto';
import { canonicalJson } from '@fristvagt/event-store';
import type { Principal } from '../access/principal';
import type { CprProtector } from '../personal-data/cpr-protector';
import { inputProblem } from '../problems/input-validation';
import { headerOf, type HttpRequest } from './request';

// Every command, of a case or of an alert subscription, reads Idempotency-Key alike, so a client treats them
// all the same.

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

// Printable ASCII without spaces, as Stripe and the IETF draft allow; long enough for a UUID or a ULID pair.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The caller's Idempotency-Key, which every command needs, hashed with a secret and the API key's id: two
 * callers' keys never meet, and no key is stored in clear.
 */
export function scopedIdempotencyKey(
  request: HttpRequest,
  principal: Principal,
  protector: CprProtector,
): string {
  const key = headerOf(request, IDEMPOTENCY_KEY_HEADER);
  if (key === undefined || key === '') {
    throw inputProblem([
      {
        field: IDEMPOTENCY_KEY_HEADER,
        code: 'idempotency-key-required',
        detail: `Every command needs an ${IDEMPOTENCY_KEY_HEADER} header; send the same key when you retry`,
      },
    ]);
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw inputProblem([
      {
        field: IDEMPOTENCY_KEY_HEADER,
        code: 'invalid-idempotency-key',
        detail: `${IDEMPOTENCY_KEY_HEADER} must be 1-255 printable ASCII characters without spaces`,
      },
    ]);
  }
  return protector.keyedHash(`idempotency\n${principal.keyId}\n${key}`);
}

/**
 * What makes two requests "the same": method, path and body, whatever the key order of the JSON. A UUID in
 * the path counts in lower case, as the case id it names does; the hash of a lower-case path is unchanged.
 */
export function requestHash(request: HttpRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${canonicalPath(request.url)}\n${canonicalJson(request.body ?? null)}`)
    .digest('base64url');
}

const UUID_SEGMENT = /(?<=\/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi;

function canonicalPath(url: string): string {
  return url.split('?')[0].replace(UUID_SEGMENT, (uuid) => uuid.toLowerCase());
}
