import { apiKeySecretMatches, parseApiKeyToken } from './api-key-token';
import { API_ROLES, type ApiRole, type Principal } from './principal';

/** A stored API key. Holds the SHA-256 of the secret, never the secret or the token. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly secretHash: string;
  readonly role: ApiRole;
  /** Three-digit kommunekoder, or `'*'` for every municipality. */
  readonly municipalities: readonly string[] | '*';
  /** Free text naming the holder, e.g. "Sag system X, Aarhus". */
  readonly label: string | null;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** ISO-8601 UTC; null while the key is valid. */
  readonly revokedAt: string | null;
}

/** What may be shown about a key: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'secretHash'>;

export interface NewApiKey {
  readonly role: ApiRole;
  readonly municipalities: readonly string[] | '*';
  readonly label?: string | null;
}

export interface IssuedApiKey {
  /** The bearer token `fv_<keyId>_<secret>`. Exists only here: it cannot be recovered later. */
  readonly token: string;
  readonly record: ApiKeyInfo;
}

/**
 * Where API keys live. The event-store implementation serves PostgreSQL and EventStoreDB deployments; the
 * file implementation serves embedded PGlite, which only one process can open (see access.module.ts).
 */
export interface ApiKeyStore {
  /** Throws InvalidApiKeyRequest for a role or municipality outside the allowed values. */
  create(request: NewApiKey, now: Date): Promise<IssuedApiKey>;
  /** Idempotent: revoking a revoked key returns it unchanged. Throws ApiKeyNotFound for an unknown id. */
  revoke(keyId: string, now: Date): Promise<ApiKeyInfo>;
  /** Every key, revoked ones too, oldest first. */
  list(): Promise<ApiKeyInfo[]>;
  /** The principal of a valid token; undefined for a malformed, unknown or revoked one. */
  verify(token: string): Promise<Principal | undefined>;
  /**
   * One key by its id, revoked or not; undefined for an unknown id. As cheap as `verify` (same cache), so a
   * web session can ask at every request whether its key still holds.
   */
  find(keyId: string): Promise<ApiKeyInfo | undefined>;
}

/** Nest injection token for the ApiKeyStore port. */
export const API_KEY_STORE = Symbol('ApiKeyStore');

export class InvalidApiKeyRequest extends Error {
  readonly code = 'invalid-api-key-request';
  constructor(
    /** The request field at fault. */
    readonly field: 'role' | 'municipalities' | 'label',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidApiKeyRequest';
  }
}

export class ApiKeyNotFound extends Error {
  readonly code = 'api-key-not-found';
  constructor(readonly keyId: string) {
    super(`No API key with id ${keyId}`);
    this.name = 'ApiKeyNotFound';
  }
}

export function isApiRole(value: string): value is ApiRole {
  return (API_ROLES as readonly string[]).includes(value);
}

export function isKommunekode(value: string): boolean {
  return /^\d{3}$/.test(value);
}

const MAX_LABEL_LENGTH = 200;

/** The request in normal form (municipalities without duplicates, label trimmed), or InvalidApiKeyRequest. */
export function validateNewApiKey(request: NewApiKey): NewApiKey & { label: string | null } {
  if (typeof request.role !== 'string' || !isApiRole(request.role)) {
    throw new InvalidApiKeyRequest('role', `role must be one of ${API_ROLES.join(', ')}`);
  }
  let municipalities: readonly string[] | '*';
  if (request.municipalities === '*') {
    municipalities = '*';
  } else if (
    Array.isArray(request.municipalities) &&
    request.municipalities.length > 0 &&
    request.municipalities.every((code) => typeof code === 'string' && isKommunekode(code))
  ) {
    municipalities = [...new Set(request.municipalities)];
  } else {
    throw new InvalidApiKeyRequest(
      'municipalities',
      "municipalities must be '*' or one or more three-digit kommunekoder",
    );
  }
  const label = request.label === undefined || request.label === null ? null : request.label.trim();
  if (label !== null && (label.length > MAX_LABEL_LENGTH || /\p{Cc}/u.test(label))) {
    throw new InvalidApiKeyRequest(
      'label',
      `label must be at most ${MAX_LABEL_LENGTH} characters without control characters`,
    );
  }
  return { role: request.role, municipalities, label: label === '' ? null : label };
}

export function toApiKeyInfo(record: ApiKeyRecord): ApiKeyInfo {
  return {
    keyId: record.keyId,
    role: record.role,
    municipalities: record.municipalities,
    label: record.label,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt,
  };
}

function toPrincipal(record: ApiKeyRecord): Principal {
  return { keyId: record.keyId, role: record.role, municipalities: record.municipalities };
}

/**
 * The principal of a bearer token, or undefined for a malformed token, an unknown or revoked key, or a wrong
 * secret. `find` looks the key up in whichever store holds it; every store verifies through this one check.
 */
export async function verifyApiKeyToken(
  token: string,
  find: (keyId: string) => Promise<ApiKeyRecord | undefined>,
): Promise<Principal | undefined> {
  const parsed = parseApiKeyToken(token);
  if (parsed === undefined) return undefined;
  const record = await find(parsed.keyId);
  if (record === undefined || record.revokedAt !== null) return undefined;
  return apiKeySecretMatches(parsed.secret, record.secretHash) ? toPrincipal(record) : undefined;
}
