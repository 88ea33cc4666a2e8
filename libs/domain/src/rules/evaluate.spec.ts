import { cmd, history, openCase } from '../test-support';
import { DK_YOUTH_PACK } from './dk-youth';
import { compareEvaluations, evaluateHistory } from './evaluate';
import type { RulePack } from './types';

const events = () => {
  const recorded = history([
    openCase('2009-05-10', '2024-01-01T09:00:00.000Z'),
    cmd(
      'RecordPoliceDocumentation',
      { documentationId: 'd-1', kind: 'weekly-report', offenceCategories: ['violence'] },
      '2025-03-03T10:00:00.000Z',
    ),
    cmd(
      'ConveneCouncil',
      { councilId: 'c-1', documentationId: 'd-1', invitees: [{ role: 'youth' }], meetingDate: '2025-03-20' },
      '2025-03-12T10:00:00.000Z',
    ),
    cmd('DecideContactPerson', { measureId: 'm-1' }, '2025-03-13T10:00:00.000Z'),
    cmd('StartContactPerson', { measureId: 'm-1' }, '2025-03-14T10:00:00.000Z'),
    cmd(
      'RecordPoliceDocumentation',
      { documentationId: 'd-2', kind: 'weekly-report', offenceCategories: ['theft'] },
      '2025-03-15T10:00:00.000Z',
    ),
  ]);
  return [
    ...recorded,
    {
      type: 'ObligationWaived' as const,
      data: {
        obligationId: 'NSR-CONVENE:documentation:d-2',
        by: { actorId: 's', role: 'supervisor' as const },
        justification: 'Same episode',
      },
      occurredAt: '2025-03-16T10:00:00.000Z',
    },
    {
      type: 'ObligationWaived' as const,
      data: {
        obligationId: 'NOT-THERE',
        by: { actorId: 's', role: 'supervisor' as const },
        justification: 'x',
      },
      occurredAt: '2025-03-16T10:00:00.000Z',
    },
  ];
};

describe('evaluateHistory: re-deriving obligations from the facts alone', () => {
  it('reproduces the recorded obligations and judges them at now', () => {
    const evaluation = evaluateHistory(events(), DK_YOUTH_PACK, null, '2025-04-01T00:00:00.000Z');
    const byId = Object.fromEntries(evaluation.obligations.map((o) => [o.obligationId, o]));
    expect(byId['NSR-CONVENE:documentation:d-1']).toMatchObject({
      status: 'fulfilled',
      onTime: false,
      wasBreached: true,
      dueDate: '2025-03-10',
    });
    expect(byId['NSR-CONVENE:documentation:d-2']).toMatchObject({ status: 'waived', wasBreached: false });
    expect(byId['NSR-HOLD:council:c-1']).toMatchObject({ status: 'breached', wasBreached: true });
    expect(byId['CP-FOLLOWUP-1:measure:m-1']).toMatchObject({ status: 'open', wasBreached: false });
    expect(evaluation.rulePack).toEqual({ id: 'dk-youth', version: '2026.2' });
  });

  it('leaves out facts that occurred after now, and lists obligations that did not open', () => {
    const early = evaluateHistory(events(), DK_YOUTH_PACK, null, '2025-03-05T00:00:00.000Z');
    expect(early.obligations.map((o) => o.obligationId)).toEqual(['NSR-CONVENE:documentation:d-1']);
    const adult = history([
      openCase('2000-01-01', '2020-01-01T09:00:00.000Z'),
      cmd(
        'RecordPoliceDocumentation',
        { documentationId: 'd-1', kind: 'other', offenceCategories: ['other'] },
        '2025-03-03T10:00:00.000Z',
      ),
    ]);
    expect(evaluateHistory(adult, DK_YOUTH_PACK, null, '2025-04-01T00:00:00.000Z').notOpened).toEqual([
      {
        ruleId: 'NSR-CONVENE',
        reason: 'age-18-or-over-at-receipt',
        triggeredBy: { type: 'PoliceDocumentationReceived', key: 'd-1@2025-03-03T10:00:00.000Z' },
      },
    ]);
  });

  it('compares two packs: a longer convene window changes due and status; a municipal standard adds obligations', () => {
    const now = '2025-04-01T00:00:00.000Z';
    const lenient: RulePack = {
      ...DK_YOUTH_PACK,
      version: '2026.2-draft',
      rules: DK_YOUTH_PACK.rules.map((r) =>
        r.ruleId === 'NSR-CONVENE' ? { ...r, due: { kind: 'days-after', days: 10 } } : r,
      ),
    };
    const a = evaluateHistory(events(), DK_YOUTH_PACK, null, now);
    const b = evaluateHistory(events(), lenient, null, now);
    const diff = compareEvaluations(a, b);
    expect(diff.same).toBe(false);
    expect(diff.changed.find((c) => c.obligationId === 'NSR-CONVENE:documentation:d-1')?.differences).toEqual(
      expect.arrayContaining([
        { field: 'dueDate', a: '2025-03-10', b: '2025-03-13' },
        { field: 'onTime', a: false, b: true },
      ]),
    );
    const inEsbjerg = compareEvaluations(a, evaluateHistory(events(), DK_YOUTH_PACK, '561', now));
    expect(inEsbjerg.onlyInB.map((o) => o.ruleId)).toEqual(['CP-STATUS']);
    expect(compareEvaluations(a, a)).toMatchObject({
      same: true,
      onlyInA: [],
      onlyInB: [],
    });
    expect(compareEvaluations(b, a).onlyInA).toEqual([]);
    expect(compareEvaluations(evaluateHistory(events(), DK_YOUTH_PACK, '561', now), a).onlyInA).toHaveLength(
      1,
    );
  });
});
