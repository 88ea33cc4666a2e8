import { DateOutOfRange, localDateOf } from '../calendar';
import { domainError, fail, ok, type Result } from '../errors';
import type { Basis, RulePackRef } from '../events';
import { instantOutOfRange, representable } from '../plausible-time';
import { instant, kommunekode, localDate, validate } from '../validation';
import { computeDue, isInEffect, resolveRules, type ComputedDue } from './resolve';
import { RULE_IDS, type RuleId, type RulePack } from './types';

/** A trigger to compute one rule's due for: what the CLI's `due` command and `GET /v1/rules/{ruleId}/due` take. */
export interface DueForInput {
  readonly ruleId: string;
  /** The triggering fact's instant (UTC); its local date picks the variant in effect. */
  readonly from: string;
  /** Kommunekode whose overrides apply (roll-forward, processing time, municipal dues); null for the pack's defaults. */
  readonly municipality: string | null;
  /** Needed by the rules counted from a birthday (AC-ASSESS, AC-END, UNGEPLAN). */
  readonly birthDate?: string;
}

export interface RuleDue {
  readonly ruleId: RuleId;
  readonly variant: string;
  /** The breach instant by strict calendar days; null where the rule has no due. */
  readonly strictDueAt: string | null;
  /** Where the municipality rolls this rule forward to a working day; null otherwise. */
  readonly rolledDueAt: string | null;
  /** The local date the effective due falls at the end of. */
  readonly localDueDate: string | null;
  readonly basis: Basis;
  readonly citation: string;
  readonly citationVerified: boolean;
  readonly rulePack: RulePackRef;
}

/** Why `dueFor` refused; the error's `field` names the input at fault. */
export type DueForErrorCode =
  | 'unknown-rule'
  | 'invalid-instant'
  | 'instant-out-of-range'
  | 'invalid-municipality'
  | 'invalid-date'
  | 'rule-not-in-effect'
  | 'birth-date-required';

function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

/**
 * The due of one rule for a trigger at `from`, under the variant in effect on its local date and the
 * municipality's settings, without opening anything: the calculator behind the CLI and the rule catalogue.
 */
export function dueFor(input: DueForInput, pack: RulePack): Result<RuleDue> {
  const { ruleId, from, municipality, birthDate } = input;
  if (!isRuleId(ruleId)) {
    return fail(
      domainError(
        'unknown-rule',
        `ruleId is not a rule of pack ${pack.id} ${pack.version} (known: ${RULE_IDS.join(', ')})`,
        'ruleId',
      ),
    );
  }
  const checked = validate(
    () => instant(from, 'from'),
    () => representable(from, 'from'),
    () => (municipality === null ? undefined : kommunekode(municipality, 'municipality')),
    () => (birthDate === undefined ? undefined : localDate(birthDate, 'birthDate')),
  );
  if (!checked.ok) return fail(checked.error);

  const date = localDateOf(from);
  const rule = pack.rules.find((candidate) => candidate.ruleId === ruleId && isInEffect(candidate, date));
  if (rule === undefined) {
    return fail(
      domainError(
        'rule-not-in-effect',
        `${ruleId} is not in effect on ${date} in pack ${pack.id} ${pack.version}`,
        'from',
      ),
    );
  }
  const needsBirthDate =
    rule.due.kind === 'months-before-birthday' ||
    rule.due.kind === 'before-birthday' ||
    rule.due.kind === 'months-after-later-of-birthday';
  if (needsBirthDate && birthDate === undefined) {
    return fail(
      domainError(
        'birth-date-required',
        `${ruleId} is counted from a birthday: birthDate is required`,
        'birthDate',
      ),
    );
  }
  const rules = resolveRules(pack, municipality);
  let due: ComputedDue;
  try {
    due = computeDue(rule, rules, { triggerAt: from, birthDate, anchorDate: date, period: 1 });
  } catch (error) {
    if (!(error instanceof DateOutOfRange)) throw error;
    // A due counted from a birthday comes from the birth date; every other from the trigger.
    const field = needsBirthDate ? 'birthDate' : 'from';
    return fail(
      instantOutOfRange(field, `The due ${field} gives falls outside the years the calendar covers`),
    );
  }
  return ok({
    ruleId,
    variant: rule.variant,
    strictDueAt: due.strict?.dueAt ?? null,
    rolledDueAt: due.rolled?.dueAt ?? null,
    localDueDate: due.effective?.dueDate ?? null,
    basis: rule.basis,
    citation: rule.citation,
    citationVerified: rule.citationVerified,
    rulePack: rules.rulePack,
  });
}
