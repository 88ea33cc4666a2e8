/**
 * The case itself: one stream per case, keyed by a UUID (never a CPR number). The person is an opaque reference
 * (ciphertext and keyed hash) made outside the domain. Placements matter here because a placement before the
 * 18th birthday makes the youth eligible for aftercare (Serviceloven § 76, Barnets lov § 111).
 */
import type { EndPlacement, OpenCase, StartPlacement, TransferCase } from './commands';
import { domainError, fail, ok, type Result } from './errors';
import type { FactEvent } from './events';
import { aftercareAssessmentIntents, aftercareEligibilityIntents } from './aftercare';
import type { ObligationIntent } from './obligations';
import { bornBy, notBefore } from './plausible-time';
import type { ResolvedRules } from './rules/resolve';
import type { CaseState, OpenedCaseState } from './state';
import { identifier, kommunekode, localDate, isNewKey, textOrEmpty, validate } from './validation';

type CaseFact = Extract<
  FactEvent,
  { type: 'CaseOpened' | 'PlacementStarted' | 'PlacementEnded' | 'CaseTransferred' }
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function personReference(value: unknown) {
  return () => {
    if (value === null) return undefined;
    const person = value as Record<string, unknown> | undefined;
    const wellFormed =
      typeof person === 'object' &&
      typeof person.cprCiphertext === 'string' &&
      person.cprCiphertext.length > 0 &&
      typeof person.cprLookupHash === 'string' &&
      person.cprLookupHash.length > 0;
    return wellFormed
      ? undefined
      : domainError('invalid-person', 'person must be null or { cprCiphertext, cprLookupHash }', 'person');
  };
}

export function decideOpenCase(command: OpenCase, state: CaseState): Result<CaseFact> {
  if (state.opened) return fail(domainError('case-already-opened', 'The case is already opened', 'caseId'));
  const { caseId, municipality, birthDate, person } = command.data;
  const valid = validate(
    () =>
      typeof caseId === 'string' && UUID.test(caseId)
        ? undefined
        : domainError('invalid-case-id', 'caseId must be a UUID', 'caseId'),
    () => kommunekode(municipality, 'municipality'),
    () => localDate(birthDate, 'birthDate'),
    () => bornBy(birthDate, command.occurredAt),
    personReference(person),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'CaseOpened',
    data: {
      caseId: caseId.toLowerCase(),
      municipality,
      birthDate,
      person:
        person === null ? null : { cprCiphertext: person.cprCiphertext, cprLookupHash: person.cprLookupHash },
    },
    occurredAt: command.occurredAt,
  });
}

export function decideStartPlacement(command: StartPlacement, state: OpenedCaseState): Result<CaseFact> {
  const { placementId } = command.data;
  const valid = validate(
    () => identifier(placementId, 'placementId'),
    () => isNewKey(state.placements, placementId, 'placementId'),
  );
  if (!valid.ok) return valid;
  return ok({ type: 'PlacementStarted', data: { placementId }, occurredAt: command.occurredAt });
}

export function decideEndPlacement(command: EndPlacement, state: OpenedCaseState): Result<CaseFact> {
  const { placementId, reason } = command.data;
  const valid = validate(() => identifier(placementId, 'placementId'));
  if (!valid.ok) return valid;
  const placement = Object.hasOwn(state.placements, placementId) ? state.placements[placementId] : undefined;
  if (placement === undefined) {
    return fail(domainError('placement-not-found', 'No placement with this id on the case', 'placementId'));
  }
  if (placement.endedAt !== null) {
    return fail(domainError('placement-already-ended', 'The placement has already ended', 'placementId'));
  }
  const afterStart = notBefore(command.occurredAt, {
    type: 'PlacementStarted',
    id: placementId,
    at: placement.startedAt,
  });
  if (afterStart !== undefined) return fail(afterStart);
  const note = textOrEmpty(reason);
  return ok({
    type: 'PlacementEnded',
    data: { placementId, reason: note === '' ? null : note },
    occurredAt: command.occurredAt,
  });
}

export function decideTransferCase(command: TransferCase, state: OpenedCaseState): Result<CaseFact> {
  const { toMunicipality } = command.data;
  const valid = validate(
    () => kommunekode(toMunicipality, 'toMunicipality'),
    () =>
      toMunicipality === state.municipality
        ? domainError('same-municipality', 'The case already belongs to this municipality', 'toMunicipality')
        : undefined,
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'CaseTransferred',
    data: { fromMunicipality: state.municipality, toMunicipality },
    occurredAt: command.occurredAt,
  });
}

export function evolveCaseFacts(state: CaseState, fact: CaseFact): CaseState {
  switch (fact.type) {
    case 'CaseOpened':
      return {
        ...state,
        opened: true,
        caseId: fact.data.caseId,
        municipality: fact.data.municipality,
        birthDate: fact.data.birthDate,
        person: fact.data.person,
      };
    case 'PlacementStarted':
      return {
        ...state,
        placements: {
          ...state.placements,
          [fact.data.placementId]: { startedAt: fact.occurredAt, endedAt: null },
        },
      };
    case 'PlacementEnded': {
      const current = state.placements[fact.data.placementId];
      return current === undefined
        ? state
        : {
            ...state,
            placements: {
              ...state.placements,
              [fact.data.placementId]: { ...current, endedAt: fact.occurredAt },
            },
          };
    }
    case 'CaseTransferred':
      return { ...state, municipality: fact.data.toMunicipality };
  }
}

/**
 * Obligations already open stay with the case on transfer, computed under the rules that opened them; the
 * receiving municipality's overrides apply to obligations opened afterwards.
 */
export function deriveCase(
  state: CaseState,
  fact: CaseFact,
  after: CaseState,
  rules: ResolvedRules,
): ObligationIntent[] {
  switch (fact.type) {
    case 'PlacementStarted':
      return aftercareAssessmentIntents(state, fact, rules);
    case 'PlacementEnded':
      return aftercareEligibilityIntents(after);
    default:
      return [];
  }
}

export type { CaseFact };
