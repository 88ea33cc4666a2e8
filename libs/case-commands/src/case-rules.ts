import { DK_YOUTH_PACK, resolveRules, type ResolvedRules } from '@fristvagt/domain';

/**
 * The rules a process applies to a municipality's cases: the compiled rule pack with the operator's
 * settings (DEADLINE_WARNING_LEAD). Resolved once per municipality: the pack never changes in a process.
 */
export function caseRules(options: {
  readonly warningLeadMs?: number;
}): (municipality: string) => ResolvedRules {
  const resolved = new Map<string, ResolvedRules>();
  return (municipality) => {
    let rules = resolved.get(municipality);
    if (rules === undefined) {
      rules = resolveRules(DK_YOUTH_PACK, municipality, { warningLeadMs: options.warningLeadMs ?? null });
      resolved.set(municipality, rules);
    }
    return rules;
  };
}
