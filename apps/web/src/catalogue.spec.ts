import type { RuleCatalogue, RuleEntry } from './api-types';
import { ruleName, ruleOptions } from './catalogue';

const entry = (overrides: Partial<RuleEntry> & Pick<RuleEntry, 'ruleId' | 'variant'>): RuleEntry => ({
  title:
    'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
  titleDa: 'Netværkssamråd skal indkaldes',
  basis: 'statute',
  citation: 'Barnets lov',
  citationVerified: false,
  effective: { from: '2024-01-01', to: null },
  warningLeadDays: 2,
  municipalOverrides: [],
  ...overrides,
});

const catalogue: RuleCatalogue = {
  rules: [
    entry({
      ruleId: 'NSR-CONVENE',
      variant: 'serviceloven',
      citation: 'Serviceloven § 57 e',
      effective: { from: '2019-01-01', to: '2023-12-31' },
    }),
    entry({ ruleId: 'NSR-CONVENE', variant: 'barnets-lov' }),
    entry({
      ruleId: 'UNGEPLAN',
      variant: 'barnets-lov',
      title: 'Draw up a youth plan',
      titleDa: 'Ungeplan skal udarbejdes',
      basis: 'municipal-practice',
      citation: 'Kommunal praksis',
    }),
  ],
};

describe('the rule catalogue on the page', () => {
  it('offers each rule once, in the words of its variant in force, by its Danish name', () => {
    expect(ruleOptions(catalogue, '2026-12-15')).toEqual([
      {
        ruleId: 'NSR-CONVENE',
        titleDa: 'Netværkssamråd skal indkaldes',
        basis: 'statute',
        citation: 'Barnets lov',
      },
      {
        ruleId: 'UNGEPLAN',
        titleDa: 'Ungeplan skal udarbejdes',
        basis: 'municipal-practice',
        citation: 'Kommunal praksis',
      },
    ]);
    expect(ruleOptions(catalogue, '2020-06-01')[0].citation).toBe('Serviceloven § 57 e');
  });

  it('names NSR-CONVENE in Danish, and a rule the catalogue lacks by the answer’s own title', () => {
    const options = { rules: ruleOptions(catalogue, '2026-12-15') };
    expect(ruleName(options, 'NSR-CONVENE', 'Convene a network council')).toBe(
      'Netværkssamråd skal indkaldes',
    );
    expect(ruleName(options, 'AC-END', 'End aftercare')).toBe('End aftercare');
    expect(ruleName({ rules: [] }, 'NSR-CONVENE', 'Convene a network council')).toBe(
      'Convene a network council',
    );
  });
});
