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
