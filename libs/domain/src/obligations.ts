import { addDays, localDateOf, startOfLocalDay } from './calendar';
import type { CheckObligation, WaiveObligation } from './commands';
import type { DecideContext } from './context';
import { domainError, fail, ok, type Result } from './errors';
import type {
  EarlierFact,
  FactEvent,
  FactMatcher,
  FactRef,
  ObligationBreached,
  ObligationCancelled,
  ObligationDueSoon,
  ObligationEvent,
  ObligationFulfilled,
  ObligationOpened,
  Subject,
} from './events';
import type { DueInput, ResolvedRules } from './rules/resolve';
import { computeDue, findRule, isEnabled } from './rules/resolve';
import type { RuleId } from './rules/types';
import type { CaseState, ObligationState } from './state';
import { notBefore } from './plausible-time';
import { identifier, instant, text, validate } from './validation';

/** What a workflow asks of the obligation engine when a fact arrives; the engine turns it into events. */
export type ObligationIntent =
  | {
      readonly kind: 'open';
      readonly ruleId: RuleId;
      readonly subject: Subject;
      /** For recurring rules: which occurrence (2 = the second follow-up, ...). */
      readonly sequence?: number;
      readonly due?: Omit<DueInput, 'triggerAt'>;
      /** The earlier fact the decision looked at, named on the obligation. */
      readonly refersTo?: EarlierFact;
    }
  | { readonly kind: 'cancel'; readonly obligationId: string; readonly reason: string }
  | { readonly kind: 'breach'; readonly obligationId: string; readonly dueAt: string }
  | {
      readonly kind: 'not-opened';
      readonly ruleId: RuleId;
      readonly reason: string;
      readonly message: string;
    };

const ms = (value: string): number => Date.parse(value);

/** The reason of a cancellation appended because a fact posted late showed the obligation should not exist. */
export const SUPERSEDED_BY_LATE_FACT = 'superseded-by-late-fact';

/** Deterministic: the same rule and subject always give the same id, so replays and other packs line up. */
export function obligationIdFor(ruleId: string, subject: Subject, sequence?: number): string {
  const base = subject.kind === 'case' ? `${ruleId}:case` : `${ruleId}:${subject.kind}:${subject.id}`;
  return sequence === undefined ? base : `${base}:${sequence}`;
}

const PRIMARY_ID_FIELDS = [
  'caseId',
  'placementId',
  'councilId',
  'planId',
  'measureId',
  'aftercareId',
  'requestId',
  'documentationId',
  'toMunicipality',
  'investigationId',
  'notificationId',
] as const;

/** A key for a fact that is stable across replays: its main identifier and when it happened. */
export function factKey(fact: FactEvent): string {
  const data = fact.data as unknown as Record<string, unknown>;
  const field = PRIMARY_ID_FIELDS.find((name) => typeof data[name] === 'string');
  return `${field === undefined ? 'case' : String(data[field])}@${fact.occurredAt}`;
}

export function factRef(fact: FactEvent): FactRef {
  return { type: fact.type, key: factKey(fact) };
}

/**
 * The subjects a fact refers to (not those it creates). A fact that refers to none applies to the whole case:
 * a plan adopted without a scope fulfils every plan obligation.
 */
export function referencesOf(fact: FactEvent): string[] {
  const data = fact.data as unknown as Record<string, unknown>;
  const fields: Array<[string, Subject['kind']]> =
    fact.type === 'CouncilConvened'
      ? [['documentationId', 'documentation']]
      : fact.type === 'AftercareGranted'
        ? [['requestId', 'request']]
        : [
            ['documentationId', 'documentation'],
            ['councilId', 'council'],
            ['measureId', 'measure'],
            ['requestId', 'request'],
            ['aftercareId', 'aftercare'],
            ['notificationId', 'notification'],
            ['investigationId', 'investigation'],
          ];
  return fields.flatMap(([field, kind]) =>
    typeof data[field] === 'string' ? [`${kind}:${String(data[field])}`] : [],
  );
}

export function matchesFact(matcher: FactMatcher, fact: FactEvent): boolean {
  if (matcher.fact !== fact.type) return false;
  const data = fact.data as unknown as Record<string, unknown>;
  return Object.entries(matcher.where ?? {}).every(([field, value]) => data[field] === value);
}

/** `references` are the fact's, from `referencesOf`: worked out once per fact, not once per obligation. */
function concerns(obligation: ObligationState, references: readonly string[]): boolean {
  if (obligation.subject.kind === 'case') return true;
  return (
    references.length === 0 || references.includes(`${obligation.subject.kind}:${obligation.subject.id}`)
  );
}

function fulfilled(obligation: ObligationState, fact: FactEvent): ObligationFulfilled {
  const onTime = obligation.dueAt === null || ms(fact.occurredAt) < ms(obligation.dueAt);
  return {
    type: 'ObligationFulfilled',
    data: {
      obligationId: obligation.obligationId,
      onTime,
      late: !onTime,
      by: factRef(fact),
      fulfilledAt: fact.occurredAt,
    },
    occurredAt: fact.occurredAt,
  };
}

function cancelled(obligationId: string, reason: string, fact: FactEvent): ObligationCancelled {
  return {
    type: 'ObligationCancelled',
    data: { obligationId, reason, by: factRef(fact) },
    occurredAt: fact.occurredAt,
  };
}

function cancellationReason(fact: FactEvent): string {
  switch (fact.type) {
    case 'TargetGroupAssessed':
      return 'assessed as not in the target group';
    case 'ContactPersonEnded':
      return `the contact-person measure ended (${fact.data.reason})`;
    case 'AftercareDeclinedByYouth':
      return 'the youth declined aftercare';
    default:
      return `no longer applies after ${fact.type}`;
  }
}

/**
 * Fulfilments and cancellations that the rule data alone decides (fulfilledBy / cancelledBy on the obligation).
 * A fact closes only obligations opened at or before it in business time: an unscoped convocation posted after
 * a later notification did not answer that notification, just as it would not had it been posted first.
 */
export function closeObligations(
  state: CaseState,
  fact: FactEvent,
): Array<ObligationFulfilled | ObligationCancelled> {
  const events: Array<ObligationFulfilled | ObligationCancelled> = [];
  const references = referencesOf(fact);
  for (const obligation of Object.values(state.obligations)) {
    if (obligation.status !== 'open' || !concerns(obligation, references)) continue;
    if (ms(fact.occurredAt) < ms(obligation.openedAt)) continue;
    if (obligation.fulfilledBy.some((matcher) => matchesFact(matcher, fact))) {
      events.push(fulfilled(obligation, fact));
    } else if (obligation.cancelledBy.some((matcher) => matchesFact(matcher, fact))) {
      events.push(cancelled(obligation.obligationId, cancellationReason(fact), fact));
    }
  }
  return events;
}

/** Breach or warning events for an obligation as seen at `now`; at most one of each per obligation, ever. */
function alertsAt(
  obligation: Pick<ObligationState, 'obligationId' | 'dueAt' | 'warnAt' | 'breached' | 'warned'>,
  openedAt: string,
  now: string,
): Array<ObligationBreached | ObligationDueSoon> {
  const { obligationId, dueAt, warnAt } = obligation;
  if (dueAt === null || obligation.breached) return [];
  if (ms(now) >= ms(dueAt)) {
    return [
      { type: 'ObligationBreached', data: { obligationId, dueAt, detectedAt: now }, occurredAt: dueAt },
    ];
  }
  if (warnAt !== null && !obligation.warned && ms(now) >= ms(warnAt)) {
    const occurredAt = ms(warnAt) > ms(openedAt) ? warnAt : openedAt;
    return [
      { type: 'ObligationDueSoon', data: { obligationId, dueAt, warnAt, detectedAt: now }, occurredAt },
    ];
  }
  return [];
}

/** The events an open intent produces: ObligationOpened, then a breach or warning if `now` is already past them. */
export function openObligation(
  intent: Extract<ObligationIntent, { kind: 'open' }>,
  fact: FactEvent,
  rules: ResolvedRules,
  now: string,
): ObligationEvent[] {
  const rule = findRule(rules, intent.ruleId, fact.type, localDateOf(fact.occurredAt));
  if (rule === undefined || !isEnabled(rules, rule)) return [];
  const data = fact.data as unknown as Record<string, unknown>;
  if (!Object.entries(rule.openedWhen ?? {}).every(([field, value]) => data[field] === value)) return [];
  const due = computeDue(rule, rules, { ...intent.due, triggerAt: fact.occurredAt });
  const effective = due.effective;
  const lead = rules.warningLeadDays[rule.ruleId];
  const warnAt =
    effective === null
      ? null
      : rules.warningLeadMs !== null
        ? new Date(ms(effective.dueAt) - rules.warningLeadMs).toISOString()
        : rule.warningLeadHours !== undefined
          ? new Date(ms(effective.dueAt) - rule.warningLeadHours * 3_600_000).toISOString()
          : startOfLocalDay(addDays(effective.dueDate, 1 - lead));
  const obligationId = obligationIdFor(rule.ruleId, intent.subject, intent.sequence);
  const opened: ObligationOpened = {
    type: 'ObligationOpened',
    data: {
      obligationId,
      ruleId: rule.ruleId,
      variant: rule.variant,
      title: rule.title,
      subject: intent.subject,
      dueAt: effective?.dueAt ?? null,
      dueDate: effective?.dueDate ?? null,
      strictDueAt: due.strict?.dueAt ?? null,
      strictDueDate: due.strict?.dueDate ?? null,
      rolledDueAt: due.rolled?.dueAt ?? null,
      rolledDueDate: due.rolled?.dueDate ?? null,
      dueClamped: due.clamped,
      warnAt,
      basis: rule.basis,
      citation: rule.citation,
      citationVerified: rule.citationVerified,
      rulePack: rules.rulePack,
      municipality: rules.municipality ?? '',
      triggeredBy: factRef(fact),
      fulfilledBy: [...rule.fulfilledBy],
      cancelledBy: [...rule.cancelledBy],
      ...(intent.refersTo !== undefined && { refersTo: intent.refersTo }),
    },
    occurredAt: fact.occurredAt,
  };
  const alerts = alertsAt(
    { obligationId, dueAt: opened.data.dueAt, warnAt, breached: false, warned: false },
    fact.occurredAt,
    now,
  );
  return [opened, ...alerts];
}

/** Turns a workflow's intents into obligation events, skipping obligations that exist or were closed already. */
export function applyIntents(
  state: CaseState,
  fact: FactEvent,
  intents: readonly ObligationIntent[],
  alreadyClosed: ReadonlySet<string>,
  rules: ResolvedRules,
  ctx: DecideContext,
): ObligationEvent[] {
  const events: ObligationEvent[] = [];
  const opened = new Set<string>();
  const closed = new Set(alreadyClosed);
  const isOpen = (id: string) => state.obligations[id]?.status === 'open' && !closed.has(id);
  for (const intent of intents) {
    switch (intent.kind) {
      case 'open': {
        const id = obligationIdFor(intent.ruleId, intent.subject, intent.sequence);
        if (Object.hasOwn(state.obligations, id) || opened.has(id)) break;
        opened.add(id);
        events.push(...openObligation(intent, fact, rules, ctx.now));
        break;
      }
      case 'cancel':
        if (isOpen(intent.obligationId)) {
          closed.add(intent.obligationId);
          events.push(cancelled(intent.obligationId, intent.reason, fact));
        }
        break;
      case 'breach': {
        const obligation = state.obligations[intent.obligationId];
        if (isOpen(intent.obligationId) && !obligation.breached) {
          events.push({
            type: 'ObligationBreached',
            data: { obligationId: intent.obligationId, dueAt: intent.dueAt, detectedAt: ctx.now },
            occurredAt: intent.dueAt,
          });
        }
        break;
      }
      case 'not-opened':
        events.push({
          type: 'ObligationNotOpened',
          data: {
            ruleId: intent.ruleId,
            reason: intent.reason,
            message: intent.message,
            triggeredBy: factRef(fact),
          },
          occurredAt: fact.occurredAt,
        });
        break;
    }
  }
  return events;
}

// ---------------------------------------------------------------- commands on obligations

function findObligation(state: CaseState, obligationId: string): Result<ObligationState> {
  const obligation = Object.hasOwn(state.obligations, obligationId)
    ? state.obligations[obligationId]
    : undefined;
  return obligation === undefined
    ? fail(domainError('obligation-not-found', 'No obligation with this id on the case', 'obligationId'))
    : ok(obligation);
}

/**
 * The scheduler's wake-up. Breaches an open obligation whose due instant has passed, or warns once inside the
 * warning lead; anything else (early, repeated, already closed) yields no events.
 */
export function decideCheckObligation(
  command: CheckObligation,
  state: CaseState,
  ctx: DecideContext,
): Result<ObligationEvent[]> {
  const found = findObligation(state, command.data.obligationId);
  if (!found.ok) return found;
  const obligation = found.value;
  if (obligation.status !== 'open') return ok([]);
  return ok(alertsAt(obligation, obligation.openedAt, ctx.now));
}

/** A supervisor releases the municipality from an obligation, with a written justification. */
export function decideWaiveObligation(command: WaiveObligation, state: CaseState): Result<ObligationEvent[]> {
  const { obligationId, by, justification } = command.data;
  const valid = validate(
    () => instant(command.occurredAt, 'occurredAt'),
    () => identifier(by?.actorId, 'by.actorId'),
    () =>
      by.role === 'supervisor'
        ? undefined
        : domainError('waiver-requires-supervisor', 'Only a supervisor can waive an obligation', 'by.role'),
    () => text(justification, 'justification', 'justification-required'),
  );
  if (!valid.ok) return valid;
  const found = findObligation(state, obligationId);
  if (!found.ok) return found;
  if (found.value.status !== 'open') {
    return fail(
      domainError('obligation-closed', `The obligation is already ${found.value.status}`, 'obligationId'),
    );
  }
  const afterOpening = notBefore(command.occurredAt, {
    type: 'ObligationOpened',
    id: obligationId,
    at: found.value.openedAt,
  });
  if (afterOpening !== undefined) return fail(afterOpening);
  return ok([
    {
      type: 'ObligationWaived',
      data: {
        obligationId,
        by: { actorId: by.actorId, role: 'supervisor' },
        justification: justification.trim(),
      },
      occurredAt: command.occurredAt,
    },
  ]);
}

// ---------------------------------------------------------------- evolve

export function evolveObligations(state: CaseState, event: ObligationEvent): CaseState {
  if (event.type === 'ObligationNotOpened') return state;
  const next = evolveObligation(state.obligations, event);
  if (next === undefined) return state;
  return { ...state, obligations: { ...state.obligations, [next.obligationId]: next } };
}

/**
 * The obligation an obligation event is about, after it: a new one for `ObligationOpened`, else the one in
 * `obligations` changed (undefined when the event names none). Pure; evolveObligations and foldCaseEvents
 * (evolve.ts) both use it, the latter to update a record of its own in place instead of copying it per event.
 */
export function evolveObligation(
  obligations: CaseState['obligations'],
  event: Exclude<ObligationEvent, { type: 'ObligationNotOpened' }>,
): ObligationState | undefined {
  if (event.type === 'ObligationOpened') {
    const d = event.data;
    return {
      obligationId: d.obligationId,
      ruleId: d.ruleId,
      variant: d.variant,
      subject: d.subject,
      dueAt: d.dueAt,
      dueDate: d.dueDate,
      strictDueAt: d.strictDueAt,
      rolledDueAt: d.rolledDueAt,
      warnAt: d.warnAt,
      basis: d.basis,
      citation: d.citation,
      rulePack: d.rulePack,
      triggeredBy: d.triggeredBy,
      fulfilledBy: d.fulfilledBy,
      cancelledBy: d.cancelledBy,
      openedAt: event.occurredAt,
      status: 'open',
      breached: false,
      breachedAt: null,
      warned: false,
      fulfilledAt: null,
      onTime: null,
      refersTo: d.refersTo ?? null,
      openedForLateFact: d.lateFact ?? null,
      supersededBy: null,
    };
  }
  const current = obligations[event.data.obligationId];
  if (current === undefined) return undefined;
  switch (event.type) {
    case 'ObligationDueSoon':
      return { ...current, warned: true };
    case 'ObligationBreached':
      return {
        ...current,
        breached: true,
        breachedAt: event.data.detectedAt,
        dueAt: current.dueAt ?? event.data.dueAt,
      };
    case 'ObligationFulfilled':
      return {
        ...current,
        status: 'fulfilled',
        fulfilledAt: event.data.fulfilledAt,
        onTime: event.data.onTime,
      };
    case 'ObligationCancelled':
      return {
        ...current,
        status: 'cancelled',
        supersededBy: event.data.reason === SUPERSEDED_BY_LATE_FACT ? event.data.by : null,
      };
    case 'ObligationWaived':
      return { ...current, status: 'waived' };
  }
}
