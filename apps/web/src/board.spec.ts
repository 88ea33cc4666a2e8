import type { AlertMessage, ObligationItem } from './api-types';
import { arrange, compareByDue, isUnknown, pruneOverrides, recordAlert, type Overrides } from './board';

function obligation(
  overrides: Partial<ObligationItem> & Pick<ObligationItem, 'obligationId'>,
): ObligationItem {
  return {
    caseId: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
    municipality: '461',
    ruleId: 'NSR-CONVENE',
    variant: 'barnets-lov',
    title: 'Convene a network council',
    basis: 'statute',
    citation: 'Barnets lov',
    openedAt: '2026-03-01T10:00:00.000Z',
    dueAt: '2026-03-10T23:00:00.000Z',
    dueDate: '2026-03-10',
    warnAt: '2026-03-08T23:00:00.000Z',
    state: 'open',
    warnDetectedAt: null,
    breachDetectedAt: null,
    ...overrides,
  };
}

const alert = (item: ObligationItem, detectedAt = '2026-03-10T23:00:00.204Z'): AlertMessage => ({
  caseId: item.caseId,
  municipality: item.municipality,
  obligationId: item.obligationId,
  ruleId: item.ruleId,
  dueAt: item.dueAt,
  detectedAt,
});

const none: Overrides = new Map();

describe('the board', () => {
  const breached = obligation({ obligationId: 'a', state: 'breached', dueAt: '2026-03-01T23:00:00.000Z' });
  const soon = obligation({ obligationId: 'b', state: 'due-soon', dueAt: '2026-03-10T23:00:00.000Z' });
  const later = obligation({ obligationId: 'c', state: 'open', dueAt: '2026-04-01T22:00:00.000Z' });
  const sooner = obligation({ obligationId: 'd', state: 'open', dueAt: '2026-03-20T23:00:00.000Z' });
  const noDue = obligation({
    obligationId: 'e',
    ruleId: 'NSR-PLAN',
    state: 'open',
    dueAt: null,
    dueDate: null,
  });
  const waived = obligation({ obligationId: 'f', state: 'waived' });

  it('puts breached, due-soon and open obligations in their columns, soonest due first, no due last', () => {
    const columns = arrange([noDue, later, soon, breached, sooner, waived], none, {});
    expect(columns.breached.map((item) => item.obligationId)).toEqual(['a']);
    expect(columns['due-soon'].map((item) => item.obligationId)).toEqual(['b']);
    expect(columns.open.map((item) => item.obligationId)).toEqual(['d', 'c', 'e']);
  });

  it('filters by municipality, rule and any part of the case id', () => {
    const other = obligation({
      obligationId: 'g',
      caseId: 'ffff0000-0000-4000-8000-000000000000',
      municipality: '561',
    });
    expect(arrange([later, other], none, { municipality: '561' }).open).toEqual([other]);
    expect(arrange([later, noDue], none, { rule: 'NSR-PLAN' }).open).toEqual([noDue]);
    expect(arrange([later, other], none, { caseId: 'FFFF00' }).open).toEqual([other]);
  });

  it('moves an obligation to "breached" when the stream says it breached, before the list is read again', () => {
    const overrides = recordAlert(none, 'breached', alert(soon));
    const columns = arrange([soon], overrides, {});
    expect(columns['due-soon']).toEqual([]);
    expect(columns.breached).toEqual([
      expect.objectContaining({
        obligationId: 'b',
        state: 'breached',
        breachDetectedAt: '2026-03-10T23:00:00.204Z',
      }),
    ]);
  });

  it('never moves a card back: a list read before the breach reached the read model keeps it breached', () => {
    const overrides = recordAlert(recordAlert(none, 'breached', alert(soon)), 'due-soon', alert(soon));
    expect(arrange([soon], overrides, {}).breached).toHaveLength(1);
    // The read model catches up: the override is no longer needed.
    const caughtUp = { ...soon, state: 'breached' as const };
    expect(pruneOverrides(overrides, [caughtUp]).size).toBe(0);
    expect(pruneOverrides(overrides, [soon]).size).toBe(1);
  });

  it('takes an obligation fulfilled late off the board', () => {
    const overrides = recordAlert(none, 'fulfilled-late', alert(breached));
    expect(arrange([breached], overrides, {}).breached).toEqual([]);
  });

  it('knows when an alert is about an obligation it has not fetched', () => {
    expect(isUnknown([soon], alert(soon))).toBe(false);
    expect(isUnknown([soon], alert(later))).toBe(true);
  });

  it('orders equal dues by case and obligation, so the order never flickers', () => {
    const x = obligation({ obligationId: 'x', caseId: 'b' });
    const y = obligation({ obligationId: 'y', caseId: 'a' });
    expect([x, y].sort(compareByDue).map((item) => item.obligationId)).toEqual(['y', 'x']);
  });
});
