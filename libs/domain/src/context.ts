import type { LocalDate } from './calendar';
import type { ResolvedRules } from './rules/resolve';
import { resolveRules } from './rules/resolve';
import type { CaseState } from './state';

/** Everything a decider may know besides the command and the state. Never the system clock: `now` is given. */
export interface DecideContext {
  /** ISO UTC instant: when the decision is taken (detection time for breaches and warnings). */
  readonly now: string;
  /** The rule pack resolved for a municipality; the case's own municipality wins unless `pinMunicipality`. */
  readonly rules: ResolvedRules;
  /** Apply `rules` as given even where the case belongs to another municipality (audit "what if"). */
  readonly pinMunicipality?: boolean;
  /**
   * How far a command's `occurredAt` may lie ahead of `now`, for callers whose clock runs a little fast
   * (FACT_CLOCK_SKEW). Default DEFAULT_CLOCK_SKEW_MS, 5 minutes. See plausible-time.ts.
   */
  readonly clockSkewMs?: number;
  /**
   * No fact may fall on a local date before this one (EARLIEST_FACT_DATE). Default: the first day any rule
   * of `rules.pack` is in effect.
   */
  readonly earliestFactDate?: LocalDate;
}

/** The rules as they apply to this case: the pack, resolved for the case's current municipality. */
export function rulesForCase(state: CaseState, ctx: DecideContext): ResolvedRules {
  if (
    ctx.pinMunicipality === true ||
    state.municipality === null ||
    state.municipality === ctx.rules.municipality
  ) {
    return ctx.rules;
  }
  return resolveRules(ctx.rules.pack, state.municipality, { warningLeadMs: ctx.rules.warningLeadMs });
}
