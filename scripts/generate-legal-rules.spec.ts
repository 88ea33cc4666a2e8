import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeDue, DK_YOUTH_PACK } from '@fristvagt/domain';
import { renderLegalRules } from './generate-legal-rules';

describe('docs/legal-rules.md', () => {
  it('is exactly what the current rule pack renders (run `npm run docs:rules` after changing the pack)', () => {
    const committed = readFileSync(join(__dirname, '..', 'docs', 'legal-rules.md'), 'utf8');
    expect(committed).toBe(renderLegalRules(DK_YOUTH_PACK));
  });

  it('shows citations, "to verify" flags, effective periods and seed line references', () => {
    const text = renderLegalRules(DK_YOUTH_PACK);
    expect(text).toContain('### NSR-CONVENE — sel-57c');
    expect(text).toContain('section number to verify **(to verify)**');
    expect(text).toContain('| effective (local date of the triggering fact) | 2014-10-01 to 2023-12-31 |');
    expect(text).toContain('`seeds/003_c1c4548927aeaf54.txt` lines 1135-1136');
    expect(text).toContain('when planRequired = true');
  });

  it('lists the public source of each citation, and says where none confirms one', () => {
    const text = renderLegalRules(DK_YOUTH_PACK);
    expect(text).toContain('### BFU-COMPLETE — barnets-lov-20');
    expect(text).toContain('(https://www.lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/20)');
    expect(text).toContain('- none consulted confirms it');
    expect(text).toContain('| warning lead | 6 hours |');
    expect(text).toContain('Earlier versions stay selectable');
  });

  it('describes every due computation in words', () => {
    expect(describeDue({ kind: 'none', municipalityMaySetDays: false })).toBe('none');
    expect(
      describeDue({ kind: 'follow-up-interval', defaultMonths: 6, intervalSetByMunicipality: false }),
    ).toContain('+ 6 months');
    const empty = renderLegalRules({
      ...DK_YOUTH_PACK,
      leapDayBirthdayRule: 'february-28',
      municipalities: {},
    });
    expect(empty).toContain('None.');
    expect(empty).toContain('28 February');
  });
});
