import { DK_YOUTH_PACK } from './dk-youth';
import { computeDue, findRule, resolveRules, strictDue, validateRulePack } from './resolve';
import type { RuleDefinition, RulePack } from './types';

const rule = (ruleId: RuleDefinition['ruleId'], variant: string) => {
  const found = DK_YOUTH_PACK.rules.find((r) => r.ruleId === ruleId && r.variant === variant);
  if (found === undefined) throw new Error(`${ruleId}/${variant} missing`);
  return found;
};

describe('the dk-youth rule pack', () => {
  it('is valid: unique variants, one variant per rule, trigger and date', () => {
    expect(validateRulePack(DK_YOUTH_PACK)).toEqual([]);
  });

  it('reports duplicate and overlapping variants, bad periods, unknown ids and bad municipality codes', () => {
    const convene = rule('NSR-CONVENE', 'sel-57c');
    const broken: RulePack = {
      ...DK_YOUTH_PACK,
      rules: [
        convene,
        convene,
        { ...convene, variant: 'x', effective: { from: '2020-01-01', to: '2019-01-01' } },
        { ...convene, variant: 'y', effective: { from: '2020-13-01', to: null } },
        { ...convene, ruleId: 'NOPE' as never, variant: 'z', triggers: [] },
      ],
      municipalities: { '12': {} },
    };
    const problems = validateRulePack(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'NSR-CONVENE/sel-57c: duplicate variant',
        'NSR-CONVENE/x: effective period ends before it starts',
        'NSR-CONVENE/y: effective period is not made of local dates',
        'NOPE/z: unknown rule id',
        'NOPE/z: no trigger',
        'NSR-CONVENE/sel-57c and sel-57c: overlapping periods for the same trigger',
        'municipality 12: kommunekode must be three digits',
      ]),
    );
  });

  it('every rule has a citation, and "to verify" citations are flagged', () => {
    for (const r of DK_YOUTH_PACK.rules) expect(r.citation.length).toBeGreaterThan(5);
    expect(rule('NSR-CONVENE', 'barnets-lov').citationVerified).toBe(false);
    expect(rule('NSR-PLAN', 'sel-57c').citationVerified).toBe(false);
  });
});

describe('resolveRules', () => {
  it('applies defaults for a municipality without overrides, and for none', () => {
    for (const municipality of ['101', null]) {
      const rules = resolveRules(DK_YOUTH_PACK, municipality);
      expect(rules).toMatchObject({
        rollForward: [],
        extraNonWorkingDays: [],
        aftercareProcessingDays: 30,
        enabledOptInRules: [],
      });
      expect(rules.warningLeadDays['NSR-CONVENE']).toBe(2);
    }
    expect(resolveRules(DK_YOUTH_PACK, '561').enabledOptInRules).toEqual(['CP-STATUS']);
  });

  it('takes a rule-level warning lead over the pack default, and a municipal one over both', () => {
    const pack: RulePack = {
      ...DK_YOUTH_PACK,
      rules: DK_YOUTH_PACK.rules.map((r) => (r.ruleId === 'NSR-HOLD' ? { ...r, warningLeadDays: 5 } : r)),
      municipalities: { '101': { warningLeadDays: { 'NSR-CONVENE': 3 } } },
    };
    const rules = resolveRules(pack, '101');
    expect([
      rules.warningLeadDays['NSR-HOLD'],
      rules.warningLeadDays['NSR-CONVENE'],
      rules.warningLeadDays['AC-END'],
    ]).toEqual([5, 3, 2]);
  });

  it('finds the variant by the local date of the trigger, and none outside every period', () => {
    const rules = resolveRules(DK_YOUTH_PACK, null);
    expect(findRule(rules, 'NSR-CONVENE', 'PoliceDocumentationReceived', '2023-12-31')?.variant).toBe(
      'sel-57c',
    );
    expect(findRule(rules, 'NSR-CONVENE', 'PoliceDocumentationReceived', '2024-01-01')?.variant).toBe(
      'barnets-lov',
    );
    expect(findRule(rules, 'NSR-CONVENE', 'PoliceDocumentationReceived', '2014-09-30')).toBeUndefined();
    expect(findRule(rules, 'NSR-CONVENE', 'CouncilHeld', '2024-01-01')).toBeUndefined();
  });
});

describe('due computations as data', () => {
  const rules = resolveRules(DK_YOUTH_PACK, null);

  it('needs a birth date for birthday-based dues, and a start for periodic ones', () => {
    expect(() =>
      strictDue(rule('AC-END', 'sel-76'), rules, { triggerAt: '2020-01-01T00:00:00.000Z' }),
    ).toThrow(/birth date/);
    expect(() =>
      strictDue(rule('CP-STATUS', 'municipal-standard'), rules, { triggerAt: '2020-01-01T00:00:00.000Z' }),
    ).toThrow(/start date/);
  });

  it('has no due where the statute sets none and the municipality sets none', () => {
    expect(computeDue(rule('NSR-PLAN', 'sel-57c'), rules, { triggerAt: '2020-01-01T10:00:00.000Z' })).toEqual(
      {
        strict: null,
        rolled: null,
        effective: null,
        clamped: false,
      },
    );
    expect(
      strictDue(rule('CP-PLAN', 'sel-140'), rules, { triggerAt: '2020-01-01T10:00:00.000Z' }),
    ).toBeNull();
  });

  it('uses the municipal interval only where Barnets lov lets the municipality set it', () => {
    const input = { triggerAt: '2024-01-10T10:00:00.000Z', intervalMonths: 2 };
    expect(strictDue(rule('CP-FOLLOWUP-N', 'barnets-lov-95'), rules, input)?.dueDate).toBe('2024-03-10');
    expect(strictDue(rule('CP-FOLLOWUP-N', 'sel-70'), rules, input)?.dueDate).toBe('2024-07-10');
    expect(
      strictDue(rule('CP-FOLLOWUP-N', 'barnets-lov-95'), rules, { ...input, intervalMonths: null })?.dueDate,
    ).toBe('2024-07-10');
  });
});
