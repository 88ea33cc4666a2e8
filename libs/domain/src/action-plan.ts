/**
 * Action plans (handleplan, from 2024 barnets plan / ungeplan): adopted, revised with a reason, or assessed
 * without revision. Plan facts open nothing; they fulfil the obligations that ask for them (NSR-PLAN,
 * PRELIM-PLAN, CP-PLAN on adoption; NSR-REOFFENCE and NSR-FOLLOWUP on revision or assessment), as the rule
 * pack's `fulfilledBy` says. A plan fact scoped to a council, notification or measure fulfils only that one's
 * obligations; an unscoped one applies to the whole case.
 */
import type { AdoptPlan, AssessPlanRevision, PlanScopeInput, RevisePlan } from './commands';
import { domainError, ok, type Result } from './errors';
import {
  PLAN_ASSESSMENT_OUTCOMES,
  PLAN_KINDS,
  PLAN_REVISION_REASONS,
  type FactEvent,
  type PlanScope,
} from './events';
import { notBefore, type Cause } from './plausible-time';
import type { CaseState, OpenedCaseState } from './state';
import {
  identifier,
  idOrNull,
  isNewKey,
  oneOf,
  optionalIdentifier,
  text,
  validate,
  type Check,
} from './validation';

type ActionPlanFact = Extract<FactEvent, { type: 'PlanAdopted' | 'PlanRevised' | 'PlanRevisionAssessed' }>;

/**
 * The scope must exist on the case, and a plan fact scoped to it answers it: it may not precede the
 * notification's receipt, the council's convocation or the measure's decision.
 */
function scopeChecks(state: CaseState, scope: PlanScopeInput, occurredAt: string): Array<() => Check> {
  const known =
    (
      id: string | null | undefined,
      records: Readonly<Record<string, unknown>>,
      code: string,
      field: string,
    ) =>
    (): Check =>
      id === undefined || id === null || Object.hasOwn(records, id)
        ? undefined
        : domainError(code, `No ${field.replace('Id', '')} with this id on the case`, field);
  const cause = (id: string | null | undefined, find: (id: string) => Cause) => (): Check =>
    id === undefined || id === null ? undefined : notBefore(occurredAt, find(id));
  return [
    () => optionalIdentifier(scope.councilId, 'councilId'),
    known(scope.councilId, state.councils, 'council-not-found', 'councilId'),
    cause(scope.councilId, (id) => ({ type: 'CouncilConvened', id, at: state.councils[id].convenedAt })),
    () => optionalIdentifier(scope.documentationId, 'documentationId'),
    known(scope.documentationId, state.documentation, 'documentation-not-found', 'documentationId'),
    cause(scope.documentationId, (id) => ({
      type: 'PoliceDocumentationReceived',
      id,
      at: state.documentation[id].receivedAt,
    })),
    () => optionalIdentifier(scope.measureId, 'measureId'),
    known(scope.measureId, state.measures, 'measure-not-found', 'measureId'),
    cause(scope.measureId, (id) => ({ type: 'ContactPersonDecided', id, at: state.measures[id].decidedAt })),
  ];
}

function scopeOf(scope: PlanScopeInput): PlanScope {
  return {
    councilId: idOrNull(scope.councilId),
    documentationId: idOrNull(scope.documentationId),
    measureId: idOrNull(scope.measureId),
  };
}

function knownPlan(state: CaseState, planId: string | null | undefined) {
  return (): Check =>
    planId === undefined || planId === null || Object.hasOwn(state.plans, planId)
      ? undefined
      : domainError('plan-not-found', 'No plan with this id on the case', 'planId');
}

/** A revision or an assessment of a named plan answers its adoption. */
function afterAdoption(state: CaseState, planId: string | null | undefined, occurredAt: string) {
  return (): Check =>
    planId === undefined || planId === null
      ? undefined
      : notBefore(occurredAt, { type: 'PlanAdopted', id: planId, at: state.plans[planId].adoptedAt });
}

export function decideAdoptPlan(command: AdoptPlan, state: OpenedCaseState): Result<ActionPlanFact> {
  const { planId, kind = 'action-plan' } = command.data;
  const valid = validate(
    () => identifier(planId, 'planId'),
    () => isNewKey(state.plans, planId, 'planId'),
    () => oneOf(kind, PLAN_KINDS, 'kind'),
    ...scopeChecks(state, command.data, command.occurredAt),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'PlanAdopted',
    data: { planId, kind, ...scopeOf(command.data) },
    occurredAt: command.occurredAt,
  });
}

export function decideRevisePlan(command: RevisePlan, state: OpenedCaseState): Result<ActionPlanFact> {
  const { planId, reason } = command.data;
  const valid = validate(
    () => identifier(planId, 'planId'),
    knownPlan(state, planId),
    afterAdoption(state, planId, command.occurredAt),
    () => oneOf(reason, PLAN_REVISION_REASONS, 'reason'),
    ...scopeChecks(state, command.data, command.occurredAt),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'PlanRevised',
    data: { planId, reason, ...scopeOf(command.data) },
    occurredAt: command.occurredAt,
  });
}

export function decideAssessPlanRevision(
  command: AssessPlanRevision,
  state: OpenedCaseState,
): Result<ActionPlanFact> {
  const { planId, occasion, outcome, reasoning } = command.data;
  const valid = validate(
    () => optionalIdentifier(planId, 'planId'),
    knownPlan(state, planId),
    afterAdoption(state, planId, command.occurredAt),
    () => oneOf(occasion, PLAN_REVISION_REASONS, 'occasion'),
    () => oneOf(outcome, PLAN_ASSESSMENT_OUTCOMES, 'outcome'),
    () => text(reasoning, 'reasoning', 'reasoning-required'),
    ...scopeChecks(state, command.data, command.occurredAt),
  );
  if (!valid.ok) return valid;
  return ok({
    type: 'PlanRevisionAssessed',
    data: {
      planId: idOrNull(planId),
      occasion,
      outcome,
      reasoning: reasoning.trim(),
      ...scopeOf(command.data),
    },
    occurredAt: command.occurredAt,
  });
}

export function evolveActionPlan(state: CaseState, fact: ActionPlanFact): CaseState {
  return fact.type === 'PlanAdopted'
    ? { ...state, plans: { ...state.plans, [fact.data.planId]: { adoptedAt: fact.occurredAt } } }
    : state;
}

export type { ActionPlanFact };
