/**
 * The page's one way to the API: same origin, the session cookie (HttpOnly, so never seen here), the CSRF
 * token on every call that changes something, and every refusal turned into an ApiError with Danish text.
 */
import type { Session } from './api-types';
import { type Problem, problemMessage } from './problems';

export class ApiError extends Error implements Problem {
  readonly status: number;
  readonly code: string | null;
  readonly detail: string | null;
  readonly field: string | null;
  /** Seconds, from Retry-After (503 read-model-not-ready). */
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problemMessage(problem));
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.field = problem.field;
    this.retryAfter = retryAfter;
  }
}

/** A network failure (no answer at all), in the same shape as a refusal. */
function unreachable(): ApiError {
  return new ApiError({
    status: 0,
    code: 'network',
    detail: null,
    field: null,
  });
}

let csrfToken: string | null = null;
let onSessionLost: ((error: ApiError) => void) | null = null;

/**
 * An auditor's purpose, stated at sign-in (issue 13): sent with every call as X-Audit-Purpose (percent-encoded,
 * since a header carries no æ, ø, å as such) and on the alert stream as `purpose`. Kept for the browser tab in
 * sessionStorage, so a reload keeps it and closing the tab forgets it.
 */
const PURPOSE_KEY = 'fristvagt.auditPurpose';
let auditPurpose: string | null = readStoredPurpose();

function readStoredPurpose(): string | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(PURPOSE_KEY);
  } catch {
    return null;
  }
}

export function setAuditPurpose(purpose: string | null): void {
  auditPurpose = purpose;
  try {
    if (purpose === null) sessionStorage.removeItem(PURPOSE_KEY);
    else sessionStorage.setItem(PURPOSE_KEY, purpose);
  } catch {
    // Storage refused (private mode): the purpose still holds until the page is reloaded.
  }
}

export function currentAuditPurpose(): string | null {
  return auditPurpose;
}

/** Called once by the app: where to go when a call finds the session gone (expired, signed out elsewhere). */
export function whenSessionLost(handler: (error: ApiError) => void): void {
  onSessionLost = handler;
}

export interface ApiResponse<T> {
  readonly body: T;
  readonly headers: Headers;
  readonly status: number;
}

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of typeof value === 'string' ? [value] : value) params.append(name, one);
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function call<T>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; quietOn401?: boolean } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  if (auditPurpose !== null && !path.startsWith('/v1/session')) {
    headers['X-Audit-Purpose'] = encodeURIComponent(auditPurpose);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw unreachable();
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? null : safeJson(text);
  if (!response.ok) {
    const problem = (parsed ?? {}) as { code?: unknown; detail?: unknown; field?: unknown };
    const retryAfter = Number(response.headers.get('Retry-After'));
    const error = new ApiError(
      {
        status: response.status,
        code: typeof problem.code === 'string' ? problem.code : null,
        detail: typeof problem.detail === 'string' ? problem.detail : null,
        field: typeof problem.field === 'string' ? problem.field : null,
      },
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
    if (response.status === 401 && !options.quietOn401) {
      csrfToken = null;
      onSessionLost?.(error);
    }
    throw error;
  }
  return { body: parsed as T, headers: response.headers, status: response.status };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function getJson<T>(path: string, query?: Query): Promise<ApiResponse<T>> {
  return call<T>('GET', withQuery(path, query));
}

/**
 * A command: a fresh Idempotency-Key per intended action (so a retried click cannot record it twice) and, when
 * the page knows the case revision it showed, If-Match so a case changed meanwhile is refused (412).
 */
export async function postCommand<T>(
  path: string,
  body: unknown,
  options: { ifMatch?: number; idempotencyKey?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    'Idempotency-Key': options.idempotencyKey ?? newIdempotencyKey(),
  };
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  return call<T>('POST', path, { body, headers });
}

export async function signIn(apiKey: string): Promise<Session> {
  const { body } = await call<Session>('POST', '/v1/session', { body: { apiKey }, quietOn401: true });
  csrfToken = body.csrfToken;
  return body;
}

/** The session of the cookie, if there is one (a reload keeps the sign-in). */
export async function currentSession(): Promise<Session | null> {
  try {
    const { body } = await call<Session>('GET', '/v1/session', { quietOn401: true });
    csrfToken = body.csrfToken;
    return body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await call<void>('DELETE', '/v1/session', { quietOn401: true });
  } finally {
    csrfToken = null;
    setAuditPurpose(null);
  }
}

/** A random UUID (v4) from getRandomValues, which unlike randomUUID also works outside secure contexts. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
