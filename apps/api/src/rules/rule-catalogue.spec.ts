import { DK_YOUTH_PACK, type RulePack } from '@fristvagt/domain';
import { ruleCatalogue } from './rule-catalogue';

const pack: RulePack = {
  ...DK_YOUTH_PACK,
  municipalities: {
    '461': {
      name: 'Odense',
      rollForward: ['NSR-CONVENE'],
      extraNonWorkingDays: ['christmas-eve'],
      warningLeadDays: { 'NSR-HOLD': 5 },
      dueDays: { 'NSR-PLAN': 30 },
      aftercareProcessingDays: 14,
    },
    '561': { name: 'Esbjerg', municipalStandardRules: ['CP-STATUS'] },
    '751': {},
  },
};

const overridesOf = (catalogue: ReturnType<typeof ruleCatalogue>, ruleId: string) =>
  catalogue.rules.filter((rule) => rule.ruleId === ruleId).map((rule) => rule.municipalOverrides);

describe('ruleCatalogue', () => {
  it("lists a municipality's settings in full for each rule it changes, and only those", () => {
    const catalogue = ruleCatalogue(pack, ['461']);

    for (const overrides of overridesOf(catalogue, 'NSR-CONVENE')) {
      expect(overrides).toEqual([
        {
          municipality: '461',
          name: 'Odense',
          applies: true,
          warningLeadDays: 2,
          rollForward: true,
          extraNonWorkingDays: ['christmas-eve'],
          dueDays: null,
        },
      ]);
    }
    expect(overridesOf(catalogue, 'NSR-HOLD').flat()).toEqual([
      expect.objectContaining({ warningLeadDays: 5, rollForward: false, extraNonWorkingDays: [] }),
    ]);
    expect(overridesOf(catalogue, 'NSR-PLAN').flat()).toContainEqual(
      expect.objectContaining({ dueDays: 30 }),
    );
    expect(overridesOf(catalogue, 'AC-DECIDE').flat()).toEqual([expect.objectContaining({ dueDays: 14 })]);
    expect(overridesOf(catalogue, 'CP-STATUS').flat()).toEqual([]);
    expect(overridesOf(catalogue, 'AC-END').flat()).toEqual([]);
  });

  it('gives a national key every municipality with settings, in kommunekode order, and a scoped key only its own', () => {
    const codes = (scope: readonly string[] | '*') => [
      ...new Set(
        ruleCatalogue(pack, scope).rules.flatMap((rule) =>
          rule.municipalOverrides.map((o) => o.municipality),
        ),
      ),
    ];

    expect(codes('*')).toEqual(['461', '561']);
    expect(codes(['561', '561', '101'])).toEqual(['561']);
    expect(codes(['751'])).toEqual([]);
  });

  it('carries the pack and its defaults', () => {
    const catalogue = ruleCatalogue(pack, []);

    expect(catalogue.rulePack).toEqual({ id: 'dk-youth', version: '2026.2', description: pack.description });
    expect(catalogue.defaults).toEqual({ warningLeadDays: 2, aftercareProcessingDays: 30 });
    expect(catalogue.rules.map((rule) => `${rule.ruleId}/${rule.variant}`)).toEqual(
      pack.rules.map((rule) => `${rule.ruleId}/${rule.variant}`),
    );
  });
});
