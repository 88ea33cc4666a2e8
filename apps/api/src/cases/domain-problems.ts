import { HttpException, HttpStatus } from '@nestjs/common';
import type { DomainError } from '@fristvagt/domain';

/**
 * Refusals that depend on what the case already holds: the same request could succeed on another case
 * or at another time, so 409 Conflict. Every other domain refusal is about the request itself (a date
 * out of its window, a reference to something the case does not have), so 422. That includes the dates
 * that contradict the case or the clock (plausible-time.ts: `occurred-in-future`, `occurred-before-birth`,
 * `occurred-before-earliest-date`, `precedes-its-cause`, `planned-date-too-far-ahead`,
 * `instant-out-of-range`): sending the same request again cannot succeed, its date must be corrected.
 */
const CONFLICTS: ReadonlySet<string> = new Set([
  'case-already-opened',
  'duplicate-id',
  'placement-already-ended',
  'measure-already-started',
  'measure-already-ended',
  'measure-ended',
  'measure-not-started',
  'aftercare-already-ended',
  'council-already-concluded',
  'council-not-held',
  'council-not-convened',
  'obligation-closed',
  'notification-already-assessed',
  'investigation-already-completed',
  'preliminary-assessment-already-recorded',
]);

/**
 * Refusals judged from the value alone, before any case is read: 400, as the API's pipes and body validation
 * answer the same mistakes (one code and one status for one mistake, wherever it is caught).
 */
const MALFORMED: ReadonlySet<string> = new Set(['invalid-id', 'id-looks-like-cpr']);

export function domainStatus(code: string): HttpStatus {
  if (MALFORMED.has(code)) return HttpStatus.BAD_REQUEST;
  return CONFLICTS.has(code) ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_ENTITY;
}

/** A decider's refusal as problem+json: its stable code, its message (never personal data), and the field. */
export function domainProblem(error: DomainError): HttpException {
  return new HttpException(
    { code: error.code, detail: error.message, ...(error.field !== undefined && { field: error.field }) },
    domainStatus(error.code),
  );
}

/** A case that does not exist and a case outside the caller's scope look the same. */
export function caseNotFound(): HttpException {
  return new HttpException(
    { code: 'case-not-found', detail: 'No case with this id is visible to this API key.' },
    HttpStatus.NOT_FOUND,
  );
}
