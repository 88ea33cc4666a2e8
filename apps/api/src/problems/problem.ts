import { STATUS_CODES } from 'node:http';

/** An RFC 9457 problem document, with Fristvagt's stable `code` as an extension member. */
export interface Problem {
  /** `about:blank` when the status says it all, else `urn:fristvagt:problem:<code>`. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Stable, kebab-case; clients branch on this, never on `detail`. */
  readonly code: string;
  /** The input at fault (first of `errors`): a body path like `invitees[0].role`, a query or path parameter, or a header. */
  readonly field?: string;
  /** Individual input errors of a `validation-failed` problem. */
  readonly errors?: readonly InputError[];
}

/** One invalid input: where, a stable code, and a message that never echoes the value. */
export interface InputError {
  readonly field: string;
  readonly code: string;
  readonly detail: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The kebab-case code a bare HTTP status stands for: 404 → `not-found`. */
export function statusCode(status: number): string {
  return statusTitle(status)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function problem(fields: {
  status: number;
  detail: string;
  code?: string;
  field?: string;
  errors?: readonly InputError[];
}): Problem {
  const generic = statusCode(fields.status);
  const code = fields.code ?? generic;
  return {
    type: code === generic ? 'about:blank' : `urn:fristvagt:problem:${code}`,
    title: statusTitle(fields.status),
    status: fields.status,
    detail: fields.detail,
    code,
    ...(fields.field !== undefined && { field: fields.field }),
    ...(fields.errors !== undefined && { errors: fields.errors }),
  };
}
