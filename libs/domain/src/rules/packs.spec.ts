import { DK_YOUTH_PACK, DK_YOUTH_PACK_2026_1, findRulePack, RULE_PACKS } from './dk-youth';
import { cmd, history, openCase } from '../test-support';
import { dueFor } from './due-for';
import { compareEvaluations, evaluateHistory } from './evaluate';
import { validateRulePack } from './resolve';

const rule = (pack: typeof DK_YOUTH_PACK, ruleId: string, variant: string) =>
  pack.rules.find((r) => r.ruleId === ruleId && r.variant === variant);

describe('rule pack versions: dk-youth 2026.2 is current, 2026.1 stays selectable', () => {
  it('both versions are valid packs, and the current one is found by default', () => {
    for (const pack of RULE_PACKS) expect(validateRulePack(pack)).toEqual([]);
    expect(findRulePack()).toBe(DK_YOUTH_PACK);
    expect(DK_YOUTH_PACK.version).toBe('2026.2');
    expect(findRulePack('2026.1')).toBe(DK_YOUTH_PACK_2026_1);
    expect(findRulePack('2025.9')).toBeUndefined();
    expect(findRulePack('2026.1', 'other-pack')).toBeUndefined();
  });

  it('2026.1 keeps its citations and knows none of the new rules', () => {
    expect(rule(DK_YOUTH_PACK_2026_1, 'CP-PLAN', 'barnets-lov-91')?.citation).toBe(
      'Barnets lov § 91 (contact person under § 32, stk. 1, nr. 3; number to verify)',
    );
    expect(DK_YOUTH_PACK_2026_1.rules.map((r) => r.ruleId)).not.toContain('UNDERRETNING-ASSESS');
    const old = dueFor(
      { ruleId: 'BFU-COMPLETE', from: '2025-01-10T10:00:00Z', municipality: null },
      DK_YOUTH_PACK_2026_1,
    );
    expect(!old.ok && old.error.code).toBe('rule-not-in-effect');
  });

  it('an auditor re-evaluates a case under 2026.1: the new rules are what differs, the citations change', () => {
    const events = history([
      openCase('2012-05-10', '2024-01-02T09:00:00.000Z'),
      cmd('RecordNotificationOfConcern', { notificationId: 'u-1' }, '2025-03-01T09:00:00.000Z'),
      cmd('DecideContactPerson', { measureId: 'm-1', planRequired: true }, '2025-03-02T09:00:00.000Z'),
    ]);
    const now = '2025-04-01T00:00:00.000Z';
    const comparison = compareEvaluations(
      evaluateHistory(events, DK_YOUTH_PACK_2026_1, null, now),
      evaluateHistory(events, DK_YOUTH_PACK, null, now),
    );
    expect(comparison.a).toEqual({ id: 'dk-youth', version: '2026.1' });
    expect(comparison.onlyInA).toEqual([]);
    expect(comparison.onlyInB.map((o) => o.obligationId).sort()).toEqual([
      'UNDERRETNING-ASSESS:notification:u-1',
      'UNGEPLAN:measure:m-1',
    ]);
    expect(comparison.changed).toEqual([
      {
        obligationId: 'CP-PLAN:measure:m-1',
        ruleId: 'CP-PLAN',
        differences: [
          {
            field: 'citation',
            a: 'Barnets lov § 91 (contact person under § 32, stk. 1, nr. 3; number to verify)',
            b: expect.stringContaining('Barnets lov § 91, stk. 1'),
          },
        ],
      },
    ]);
  });

  it('2026.2 corrects the citations the issue names, each with the public source that confirms it', () => {
    expect(rule(DK_YOUTH_PACK, 'CP-FOLLOWUP-1', 'barnets-lov-95')).toMatchObject({
      citation: expect.stringContaining('§ 95, stk. 2'),
      publicSources: [expect.objectContaining({ url: expect.stringContaining('barnets-lov/95') })],
    });
    expect(rule(DK_YOUTH_PACK, 'CP-FOLLOWUP-N', 'sel-70')?.citation).toContain('at most every 6 months');
    expect(rule(DK_YOUTH_PACK, 'AC-ASSESS', 'placement-barnets-lov-111')?.citation).toContain('§§ 114-116');
    expect(rule(DK_YOUTH_PACK, 'AC-ASSESS', 'placement-sel-76')?.citation).toContain('§ 68, stk. 11');
    expect(rule(DK_YOUTH_PACK, 'CP-PLAN', 'barnets-lov-91')?.citation).toContain('§ 32, stk. 1, nr. 3');
    expect(rule(DK_YOUTH_PACK, 'AC-END', 'barnets-lov-113-116')?.citation).toContain('target group § 114');
  });

  it('a citation is marked verified only with a source, and an unverified one says what is to verify', () => {
    for (const r of DK_YOUTH_PACK.rules) {
      const name = `${r.ruleId}/${r.variant}`;
      if (!r.citationVerified) expect([name, r.citation]).toEqual([name, expect.stringMatching(/to verify/)]);
      else expect([name, r.sources.length + (r.publicSources?.length ?? 0)]).not.toEqual([name, 0]);
      for (const source of r.publicSources ?? []) expect(source.url).toMatch(/^https?:\/\//);
    }
  });
});
