import { cmd, history, openCase } from '../test-support';
import { DK_YOUTH_PACK, DK_YOUTH_PACK_2026_1 } from './dk-youth';
import { diffEvaluations, evaluateHistory, type EvaluatedSide } from './evaluate';
import type { MunicipalSettingsTimeline } from './municipal-settings';

/**
 * One contact-person measure across the change of law: started under Serviceloven in 2023, followed up in
 * September 2023 (SEL § 70: the next follow-up is 6 months on, whatever interval is recorded) and in February
 * 2024 (Barnets lov § 95: the interval the municipality set at that follow-up, 4 months). Both next dues fall
 * on a Saturday.
 */
const events = history([
  openCase('2008-04-15', '2023-03-01T09:00:00.000Z'),
  cmd('DecideContactPerson', { measureId: 'm-1' }, '2023-05-01T09:00:00.000Z'),
  cmd('StartContactPerson', { measureId: 'm-1' }, '2023-06-05T08:00:00.000Z'),
  cmd('RecordFollowUp', { measureId: 'm-1', nextIntervalMonths: 3 }, '2023-09-02T10:00:00.000Z'),
  cmd('RecordFollowUp', { measureId: 'm-1', nextIntervalMonths: 4 }, '2024-02-22T10:00:00.000Z'),
]);
const now = '2024-05-01T00:00:00.000Z';
const SEL_FOLLOW_UP = 'CP-FOLLOWUP-N:measure:m-1:2';
const BL_FOLLOW_UP = 'CP-FOLLOWUP-N:measure:m-1:3';

/** Odense's settings from 2023 on: CP-FOLLOWUP-N rolls forward to the next working day. */
const odenseRollsForward: Record<string, MunicipalSettingsTimeline> = {
  '461': [
    {
      effectiveFrom: '2023-01-01',
      settings: { rollForward: ['CP-FOLLOWUP-N'] },
      recordedAt: '2024-01-10T09:00:00.000Z',
      by: 'k-admin',
    },
  ],
};

const v2026_2 = { id: 'dk-youth', version: '2026.2' };
const v2026_1 = { id: 'dk-youth', version: '2026.1' };

function side(
  overrides: Partial<EvaluatedSide> & Pick<EvaluatedSide, 'variant' | 'citation'>,
): EvaluatedSide {
  return {
    basis: 'statute',
    rulePack: v2026_2,
    strictDueAt: null,
    rolledDueAt: null,
    dueAt: null,
    dueDate: null,
    status: 'open',
    wasBreached: false,
    onTime: null,
    ...overrides,
  };
}

describe('diffEvaluations: what a re-evaluation adds, removes, moves and changes', () => {
  const baseline = evaluateHistory(events, DK_YOUTH_PACK, null, now);

  it('SEL § 70 counts 6 months from the follow-up, Barnets lov § 95 the interval the municipality set', () => {
    const byId = Object.fromEntries(baseline.obligations.map((o) => [o.obligationId, o]));
    // The 3 months recorded in 2023 do not count under SEL: 2 September + 6 months.
    expect(byId[SEL_FOLLOW_UP]).toMatchObject({ variant: 'sel-70', dueDate: '2024-03-02' });
    // 22 February 2024 + the 4 months set then.
    expect(byId[BL_FOLLOW_UP]).toMatchObject({ variant: 'barnets-lov-95', dueDate: '2024-06-22' });
  });

  it('under 2026.1 in a municipality that rolls CP-FOLLOWUP-N forward: both follow-ups move, citations differ', () => {
    const compared = evaluateHistory(events, DK_YOUTH_PACK_2026_1, '461', now, odenseRollsForward);
    const diff = diffEvaluations(baseline, compared);

    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.same).toBe(false);
    expect(diff.moved).toEqual([
      {
        obligationId: SEL_FOLLOW_UP,
        ruleId: 'CP-FOLLOWUP-N',
        subject: { kind: 'measure', id: 'm-1' },
        fields: ['dueAt', 'dueDate', 'rolledDueAt', 'citation'],
        baseline: side({
          variant: 'sel-70',
          citation: 'Serviceloven § 70 (after the first follow-up, at most every 6 months)',
          dueAt: '2024-03-02T23:00:00.000Z',
          dueDate: '2024-03-02',
          strictDueAt: '2024-03-02T23:00:00.000Z',
          status: 'fulfilled',
          onTime: true,
        }),
        // Saturday 2 March rolls to Monday 4 March; the follow-up of 22 February was on time either way.
        compared: side({
          variant: 'sel-70',
          citation: 'Serviceloven § 70',
          rulePack: v2026_1,
          dueAt: '2024-03-04T23:00:00.000Z',
          dueDate: '2024-03-04',
          strictDueAt: '2024-03-02T23:00:00.000Z',
          rolledDueAt: '2024-03-04T23:00:00.000Z',
          status: 'fulfilled',
          onTime: true,
        }),
      },
      {
        obligationId: BL_FOLLOW_UP,
        ruleId: 'CP-FOLLOWUP-N',
        subject: { kind: 'measure', id: 'm-1' },
        fields: ['dueAt', 'dueDate', 'rolledDueAt', 'citation'],
        baseline: side({
          variant: 'barnets-lov-95',
          citation:
            'Barnets lov § 95, stk. 3 (the municipality decides the further follow-up at the first one)',
          dueAt: '2024-06-22T22:00:00.000Z',
          dueDate: '2024-06-22',
          strictDueAt: '2024-06-22T22:00:00.000Z',
        }),
        compared: side({
          variant: 'barnets-lov-95',
          citation: 'Barnets lov § 95',
          rulePack: v2026_1,
          dueAt: '2024-06-24T22:00:00.000Z',
          dueDate: '2024-06-24',
          strictDueAt: '2024-06-22T22:00:00.000Z',
          rolledDueAt: '2024-06-24T22:00:00.000Z',
        }),
      },
    ]);
    // Same due, other citation: listed apart from the moved ones, sorted by obligation id.
    expect(
      diff.changed.map((c) => [c.obligationId, c.fields, c.baseline.dueAt === c.compared.dueAt]),
    ).toEqual([
      ['AC-ASSESS:case', ['citation'], true],
      ['CP-FOLLOWUP-1:measure:m-1', ['citation'], true],
    ]);
    expect(diff.changed[1].compared.citation).toBe('Serviceloven § 70');
  });

  it('a due moved by a setting alone is moved with both citations equal; the same evaluation is the same', () => {
    const compared = evaluateHistory(events, DK_YOUTH_PACK, '461', now, odenseRollsForward);
    const diff = diffEvaluations(baseline, compared);
    expect(diff.moved.map((m) => [m.obligationId, m.fields])).toEqual([
      [SEL_FOLLOW_UP, ['dueAt', 'dueDate', 'rolledDueAt']],
      [BL_FOLLOW_UP, ['dueAt', 'dueDate', 'rolledDueAt']],
    ]);
    expect(diff.changed).toEqual([]);
    expect(diffEvaluations(baseline, baseline)).toEqual({
      added: [],
      removed: [],
      moved: [],
      changed: [],
      same: true,
    });
  });

  it("adds the municipal standards of a municipality that applies them (Esbjerg's CP-STATUS)", () => {
    const diff = diffEvaluations(baseline, evaluateHistory(events, DK_YOUTH_PACK, '561', now));
    expect(diff.added.map((a) => [a.obligationId, a.side.basis, a.side.dueDate, a.side.status])).toEqual([
      ['CP-STATUS:measure:m-1:1', 'municipal-standard', '2023-12-05', 'breached'],
    ]);
    expect(diff.removed).toEqual([]);
    expect(diff.moved).toEqual([]);
  });

  it('lists obligations only one pack opens as added or removed, with their side', () => {
    const later = history([
      openCase('2012-05-10', '2024-01-02T09:00:00.000Z'),
      cmd('RecordNotificationOfConcern', { notificationId: 'u-1' }, '2025-03-01T09:00:00.000Z'),
      cmd('DecideContactPerson', { measureId: 'm-1', planRequired: true }, '2025-03-02T09:00:00.000Z'),
    ]);
    const at = '2025-04-01T00:00:00.000Z';
    const current = evaluateHistory(later, DK_YOUTH_PACK, null, at);
    const old = evaluateHistory(later, DK_YOUTH_PACK_2026_1, null, at);

    const removed = diffEvaluations(current, old).removed;
    expect(removed.map((r) => [r.obligationId, r.ruleId, r.side.rulePack.version])).toEqual([
      ['UNDERRETNING-ASSESS:notification:u-1', 'UNDERRETNING-ASSESS', '2026.2'],
      ['UNGEPLAN:measure:m-1', 'UNGEPLAN', '2026.2'],
    ]);
    expect(removed[1].side).toMatchObject({
      variant: 'barnets-lov-108-support',
      citation: expect.any(String),
    });
    expect(diffEvaluations(old, current).added.map((a) => a.obligationId)).toEqual(
      removed.map((r) => r.obligationId),
    );
    expect(diffEvaluations(old, current).removed).toEqual([]);
  });
});
