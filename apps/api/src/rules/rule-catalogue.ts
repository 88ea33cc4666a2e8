import {
  danishRuleTitle,
  describeDue,
  isEnabled,
  type ResolvedRules,
  resolveRules,
  rollsForward,
  type RuleDefinition,
  type RulePack,
} from '@fristvagt/domain';
import type { MunicipalRuleSettingsDto, RuleCatalogueDto, RuleDto } from './dto/rule-catalogue.dto';

type RuleSettings = Omit<MunicipalRuleSettingsDto, 'municipality' | 'name'>;

/**
 * How a rule applies under resolved settings: read through the same ResolvedRules the deciders use, so the
 * catalogue says what the deciders do.
 */
function settingsOf(rule: RuleDefinition, rules: ResolvedRules): RuleSettings {
  const rollForward = rollsForward(rule, rules);
  return {
    applies: isEnabled(rules, rule),
    warningLeadDays: rules.warningLeadDays[rule.ruleId],
    rollForward,
    extraNonWorkingDays: rollForward ? [...rules.extraNonWorkingDays] : [],
    dueDays:
      rule.due.kind === 'processing-time'
        ? rules.aftercareProcessingDays
        : rule.due.kind === 'none' && rule.due.municipalityMaySetDays
          ? (rules.dueDays[rule.ruleId] ?? null)
          : null,
  };
}

const sameSettings = (a: RuleSettings, b: RuleSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The pack as a catalogue for one caller: every variant of every rule, with the municipal settings of the
 * municipalities in `scope` that change how it applies (`'*'`: every municipality the pack has settings for).
 */
export function ruleCatalogue(pack: RulePack, scope: readonly string[] | '*'): RuleCatalogueDto {
  const packDefaults = resolveRules(pack, null);
  const codes = (scope === '*' ? Object.keys(pack.municipalities) : [...new Set(scope)])
    .filter((code) => Object.hasOwn(pack.municipalities, code))
    .sort();
  const municipalities = codes.map((code) => ({ code, rules: resolveRules(pack, code) }));

  const rules = pack.rules.map((rule): RuleDto => {
    const defaults = settingsOf(rule, packDefaults);
    return {
      ruleId: rule.ruleId,
      variant: rule.variant,
      title: rule.title,
      titleDa: danishRuleTitle(rule.ruleId),
      notes: rule.notes ?? null,
      basis: rule.basis,
      citation: rule.citation,
      citationVerified: rule.citationVerified,
      effective: { from: rule.effective.from, to: rule.effective.to },
      due: { kind: rule.due.kind, description: describeDue(rule.due) },
      warningLeadDays: defaults.warningLeadDays,
      optIn: rule.optIn,
      municipalOverrides: municipalities.flatMap(({ code, rules }) => {
        const settings = settingsOf(rule, rules);
        if (sameSettings(settings, defaults)) return [];
        return [{ municipality: code, name: pack.municipalities[code].name ?? null, ...settings }];
      }),
    };
  });

  return {
    rulePack: { id: pack.id, version: pack.version, description: pack.description },
    defaults: { ...pack.defaults },
    rules,
  };
}
