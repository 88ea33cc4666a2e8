import type { DecideContext } from '../context';
import { deriveObligations } from '../derive';
import { isFactEvent, type CaseEvent, type FactRef, type RulePackRef } from '../events';
import { caseFolder } from '../evolve';
import { initialCaseState, type CaseState, type ObligationState } from '../state';
import { resolveRules } from './resolve';
import type { RulePack } from './types';

export type EvaluatedStatus = 'open' | 'breached' | 'fulfilled' | 'cancelled' | 'waived';

/** An obligation as an auditor sees it: the recorded fields, with its status judged at the evaluation's `now`. */
export interface EvaluatedObligation extends Pick<
  ObligationState,
  | 'obligationId'
  | 'ruleId'
  | 'variant'
  | 'subject'
  | 'dueAt'
  | 'dueDate'
  | 'strictDueAt'
  | 'rolledDueAt'
  | 'basis'
  | 'citation'
  | 'rulePack'
  | 'triggeredBy'
  | 'fulfilledAt'
  | 'onTime'
> {
  /** `breached` is an open obligation whose due has passed at the evaluation's `now` (or that was breached). */
  readonly status: EvaluatedStatus;
  /** Whether the due passed while it was open, whatever happened after (a late fulfilment stays "was breached"). */
  readonly wasBreached: boolean;
}

export interface Evaluation {
  readonly rulePack: RulePackRef;
  /** The municipality whose overrides were applied, or null where the case's own municipality was followed. */
  readonly municipality: string | null;
  readonly now: string;
  readonly obligations: EvaluatedObligation[];
  readonly notOpened: Array<{ ruleId: string; reason: string; triggeredBy: FactRef }>;
}

const ms = (value: string): number => Date.parse(value);

function evaluated(obligation: ObligationState, now: string): EvaluatedObligation {
  const dueHasPassed = obligation.dueAt !== null && ms(now) >= ms(obligation.dueAt);
  const wasBreached =
    obligation.status === 'fulfilled'
      ? obligation.onTime === false
      : obligation.breached || (obligation.status === 'open' && dueHasPassed);
  const status: EvaluatedStatus =
    obligation.status === 'open'
      ? obligation.breached || dueHasPassed
        ? 'breached'
        : 'open'
      : obligation.status;
  return {
    obligationId: obligation.obligationId,
    ruleId: obligation.ruleId,
    variant: obligation.variant,
    subject: obligation.subject,
    dueAt: obligation.dueAt,
    dueDate: obligation.dueDate,
    strictDueAt: obligation.strictDueAt,
    rolledDueAt: obligation.rolledDueAt,
    basis: obligation.basis,
    citation: obligation.citation,
    rulePack: obligation.rulePack,
    triggeredBy: obligation.triggeredBy,
    status,
    wasBreached,
    fulfilledAt: obligation.fulfilledAt,
    onTime: obligation.onTime,
  };
}

/**
 * Re-derives every obligation of a case from its facts alone, under `pack`, as of business time `now` (facts
 * that occurred later are left out). Recorded obligation events are ignored, except waivers: a waiver is a
 * supervisor's decision, so it is carried over to the obligation with the same id where that one exists.
 * `municipality` applies that municipality's overrides throughout ("what if"); null follows the case's own
 * municipality, including transfers. `municipalSettings` adds the settings admins recorded at run time
 * (municipal-settings.ts), each fact under those in effect on its date: what a setting would have changed in
 * obligations that were opened before it and keep their recorded due.
 */
export function evaluateHistory(
  events: readonly CaseEvent[],
  pack: RulePack,
  municipality: string | null,
  now: string,
  municipalSettings?: DecideContext['municipalSettings'],
): Evaluation {
  const rules = resolveRules(pack, municipality);
  const notOpened: Evaluation['notOpened'] = [];
  const folder = caseFolder(initialCaseState);
  let state: CaseState = initialCaseState;
  for (const event of events) {
    if (ms(event.occurredAt) > ms(now)) continue;
    if (isFactEvent(event)) {
      // Detection time is the fact itself: breaches are judged against `now` at the end, not at recording.
      const ctx: DecideContext = {
        now: event.occurredAt,
        rules,
        pinMunicipality: municipality !== null,
        ...(municipalSettings !== undefined && { municipalSettings }),
      };
      const derived = deriveObligations(state, event, ctx);
      state = folder.apply([event, ...derived]);
      for (const d of derived) {
        if (d.type === 'ObligationNotOpened') {
          notOpened.push({ ruleId: d.data.ruleId, reason: d.data.reason, triggeredBy: d.data.triggeredBy });
        }
      }
    } else if (
      event.type === 'ObligationWaived' &&
      state.obligations[event.data.obligationId]?.status === 'open'
    ) {
      state = folder.apply([event]);
    }
  }
  return {
    rulePack: { id: pack.id, version: pack.version },
    municipality,
    now,
    obligations: Object.values(state.obligations).map((obligation) => evaluated(obligation, now)),
    notOpened,
  };
}

const COMPARED_FIELDS = [
  'variant',
  'dueAt',
  'dueDate',
  'strictDueAt',
  'rolledDueAt',
  'basis',
  'citation',
  'status',
  'wasBreached',
  'onTime',
] as const;

export interface EvaluationDifference {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly differences: Array<{ field: (typeof COMPARED_FIELDS)[number]; a: unknown; b: unknown }>;
}

export interface EvaluationComparison {
  readonly a: RulePackRef;
  readonly b: RulePackRef;
  readonly onlyInA: EvaluatedObligation[];
  readonly onlyInB: EvaluatedObligation[];
  readonly changed: EvaluationDifference[];
  readonly same: boolean;
}

/** What differs between two evaluations of the same case, obligation by obligation (ids are deterministic). */
export function compareEvaluations(a: Evaluation, b: Evaluation): EvaluationComparison {
  const inB = new Map(b.obligations.map((obligation) => [obligation.obligationId, obligation]));
  const inA = new Set(a.obligations.map((obligation) => obligation.obligationId));
  const changed: EvaluationDifference[] = [];
  for (const left of a.obligations) {
    const right = inB.get(left.obligationId);
    if (right === undefined) continue;
    const differences = COMPARED_FIELDS.filter((field) => left[field] !== right[field]).map((field) => ({
      field,
      a: left[field],
      b: right[field],
    }));
    if (differences.length > 0)
      changed.push({ obligationId: left.obligationId, ruleId: left.ruleId, differences });
  }
  const onlyInA = a.obligations.filter((obligation) => !inB.has(obligation.obligationId));
  const onlyInB = b.obligations.filter((obligation) => !inA.has(obligation.obligationId));
  return {
    a: a.rulePack,
    b: b.rulePack,
    onlyInA,
    onlyInB,
    changed,
    same: onlyInA.length === 0 && onlyInB.length === 0 && changed.length === 0,
  };
}

/** What one evaluation says of an obligation, side by side with the other's in an `EvaluationDiff`. */
export type EvaluatedSide = Pick<
  EvaluatedObligation,
  | 'variant'
  | 'basis'
  | 'citation'
  | 'rulePack'
  | 'dueAt'
  | 'dueDate'
  | 'strictDueAt'
  | 'rolledDueAt'
  | 'status'
  | 'wasBreached'
  | 'onTime'
>;

/** The fields of a side that move its due: a difference in any of them makes the obligation `moved`. */
export const DUE_FIELDS = ['dueAt', 'dueDate', 'strictDueAt', 'rolledDueAt'] as const;
/** The other fields compared; `rulePack` is left out, since it differs whenever the packs do. */
export const JUDGED_FIELDS = ['variant', 'basis', 'citation', 'status', 'wasBreached', 'onTime'] as const;
export type DiffField = (typeof DUE_FIELDS)[number] | (typeof JUDGED_FIELDS)[number];

export interface ObligationOnOneSide {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly subject: EvaluatedObligation['subject'];
  readonly side: EvaluatedSide;
}

export interface ObligationOnBothSides {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly subject: EvaluatedObligation['subject'];
  /** The compared fields that differ, due fields first, in a fixed order. */
  readonly fields: DiffField[];
  readonly baseline: EvaluatedSide;
  readonly compared: EvaluatedSide;
}

export interface EvaluationDiff {
  /** Opened only under the compared evaluation. */
  readonly added: ObligationOnOneSide[];
  /** Opened only under the baseline. */
  readonly removed: ObligationOnOneSide[];
  /** On both sides with a different due (and perhaps more, listed in `fields`). */
  readonly moved: ObligationOnBothSides[];
  /** On both sides with the same due, but another variant, basis, citation or standing. */
  readonly changed: ObligationOnBothSides[];
  readonly same: boolean;
}

function sideOf(obligation: EvaluatedObligation): EvaluatedSide {
  return {
    variant: obligation.variant,
    basis: obligation.basis,
    citation: obligation.citation,
    rulePack: obligation.rulePack,
    dueAt: obligation.dueAt,
    dueDate: obligation.dueDate,
    strictDueAt: obligation.strictDueAt,
    rolledDueAt: obligation.rolledDueAt,
    status: obligation.status,
    wasBreached: obligation.wasBreached,
    onTime: obligation.onTime,
  };
}

const byObligationId = (a: { obligationId: string }, b: { obligationId: string }) =>
  a.obligationId < b.obligationId ? -1 : a.obligationId > b.obligationId ? 1 : 0;

/**
 * An auditor's re-evaluation (issue 13, point 2): what the `compared` evaluation of a case would add, remove,
 * move or otherwise change against the `baseline`, obligation by obligation (ids are deterministic: rule,
 * subject and sequence), each listed with both sides' variant, basis, citation and due. Every list is sorted
 * by obligation id, so the same two evaluations always give the same answer.
 */
export function diffEvaluations(baseline: Evaluation, compared: Evaluation): EvaluationDiff {
  const before = new Map(baseline.obligations.map((o) => [o.obligationId, o]));
  const after = new Map(compared.obligations.map((o) => [o.obligationId, o]));
  const oneSide = (o: EvaluatedObligation): ObligationOnOneSide => ({
    obligationId: o.obligationId,
    ruleId: o.ruleId,
    subject: o.subject,
    side: sideOf(o),
  });
  const added = compared.obligations.filter((o) => !before.has(o.obligationId)).map(oneSide);
  const removed = baseline.obligations.filter((o) => !after.has(o.obligationId)).map(oneSide);
  const moved: ObligationOnBothSides[] = [];
  const changed: ObligationOnBothSides[] = [];
  for (const left of baseline.obligations) {
    const right = after.get(left.obligationId);
    if (right === undefined) continue;
    const fields: DiffField[] = [...DUE_FIELDS, ...JUDGED_FIELDS].filter(
      (field) => left[field] !== right[field],
    );
    if (fields.length === 0) continue;
    const entry = {
      obligationId: left.obligationId,
      ruleId: left.ruleId,
      subject: left.subject,
      fields,
      baseline: sideOf(left),
      compared: sideOf(right),
    };
    if (DUE_FIELDS.some((field) => fields.includes(field))) moved.push(entry);
    else changed.push(entry);
  }
  return {
    added: added.sort(byObligationId),
    removed: removed.sort(byObligationId),
    moved: moved.sort(byObligationId),
    changed: changed.sort(byObligationId),
    same: added.length === 0 && removed.length === 0 && moved.length === 0 && changed.length === 0,
  };
}
