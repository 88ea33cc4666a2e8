/** What the page takes from the rule catalogue (GET /v1/rules): one entry per rule, and municipality names. */
import type { RuleCatalogue, RuleEntry } from './api-types';

export interface RuleOption {
  readonly ruleId: string;
  /** The rule's Danish name (the pack's own titles are English, and the page is Danish throughout). */
  readonly titleDa: string;
  readonly basis: string;
  readonly citation: string;
}

/** What every view knows from the rule catalogue. */
export interface Catalogue {
  readonly rules: readonly RuleOption[];
  readonly names: ReadonlyMap<string, string>;
}

/**
 * One option per rule id, with the words of its variant in force on `today` (a rule has a variant per legal
 * regime; the newest stands for the rule), in the order of the pack.
 */
export function ruleOptions(catalogue: RuleCatalogue, today: string): RuleOption[] {
  const variants = new Map<string, RuleEntry[]>();
  for (const rule of catalogue.rules) variants.set(rule.ruleId, [...(variants.get(rule.ruleId) ?? []), rule]);
  const inForce = (rule: RuleEntry) =>
    rule.effective.from <= today && (rule.effective.to === null || rule.effective.to >= today);
  return [...variants.values()].map((all) => {
    const chosen =
      all.find(inForce) ??
      all.reduce((newest, rule) => (rule.effective.from > newest.effective.from ? rule : newest));
    return { ruleId: chosen.ruleId, titleDa: chosen.titleDa, basis: chosen.basis, citation: chosen.citation };
  });
}

/**
 * How the page names a rule: its Danish name from the catalogue. `fallback` (the answer's own title) is for a
 * rule the catalogue lacks, as when the catalogue could not be fetched.
 */
export function ruleName(catalogue: Pick<Catalogue, 'rules'>, ruleId: string, fallback: string): string {
  return catalogue.rules.find((rule) => rule.ruleId === ruleId)?.titleDa ?? fallback;
}

/** Kommunekode → name, from the municipal settings the catalogue lists. */
export function municipalityNames(catalogue: RuleCatalogue): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const rule of catalogue.rules) {
    for (const override of rule.municipalOverrides) {
      if (override.name) names.set(override.municipality, override.name);
    }
  }
  return names;
}

export function municipalityLabel(code: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(code);
  return name === undefined ? code : `${code} ${name}`;
}
