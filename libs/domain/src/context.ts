import type { LocalDate } from './calendar';
import type { ResolvedRules } from './rules/resolve';
import { resolveRules } from './rules/resolve';
import { resolveRulesForFact, type MunicipalSettingsTimeline } from './rules/municipal-settings';
import type { CaseState } from './state';
import type { YouthHistory } from './youth-history';

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
  /**
   * What the youth's other cases in the municipality tell the rules (youth-history.ts). Default: none. The shell
   * loads it where `needsYouthHistory` says the decision can depend on it.
   */
  readonly youthHistory?: YouthHistory;
  /**
   * Settings admins recorded at run time, per kommunekode (rules/municipal-settings.ts): a fact is decided under
   * those in effect on its own local date. A municipality without a timeline here uses the compiled pack's.
   * With `pinMunicipality`, the timeline of `rules.municipality` applies (audit "what if").
   */
  readonly municipalSettings?: Readonly<Record<string, MunicipalSettingsTimeline>>;
}

/**
 * The rules as they apply to this case: the pack, resolved for the case's current municipality, under the
 * municipal settings in effect on the local date of `occurredAt` (the triggering fact's) where it is given.
 */
export function rulesForCase(state: CaseState, ctx: DecideContext, occurredAt?: string): ResolvedRules {
  const code = ctx.pinMunicipality === true ? ctx.rules.municipality : state.municipality;
  const timeline = code === null ? undefined : ctx.municipalSettings?.[code];
  if (code !== null && occurredAt !== undefined && timeline !== undefined && timeline.length > 0) {
    return resolveRulesForFact(ctx.rules.pack, code, timeline, occurredAt, {
      warningLeadMs: ctx.rules.warningLeadMs,
    });
  }
  if (
    ctx.pinMunicipality === true ||
    state.municipality === null ||
    state.municipality === ctx.rules.municipality
  ) {
    return ctx.rules;
  }
  return resolveRules(ctx.rules.pack, state.municipality, { warningLeadMs: ctx.rules.warningLeadMs });
}
