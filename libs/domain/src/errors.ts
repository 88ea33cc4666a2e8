/**
 * A refused command or an invalid input, as a value. `code` is stable (kebab-case) and is what the API
 * maps to problem+json; `field` names the input at fault where there is one. Messages never contain a
 * CPR number or a name.
 */
export interface DomainError {
  readonly kind: 'domain-error';
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

export function domainError(code: string, message: string, field?: string): DomainError {
  return field === undefined
    ? { kind: 'domain-error', code, message }
    : { kind: 'domain-error', code, message, field };
}

export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && (value as DomainError).kind === 'domain-error';
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: DomainError): Result<T> => ({ ok: false, error });
