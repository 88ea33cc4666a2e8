import type { Compliance, ComplianceMonth } from './api-types';
import { binLabel, recentMonths, ruleTotals, shareSeries, windowMonths } from './compliance';

const month = (value: string, counts: Partial<ComplianceMonth>): ComplianceMonth => ({
  month: value,
  due: 0,
  fulfilledOnTime: 0,
  fulfilledLate: 0,
  breachedOpen: 0,
  openNotDue: 0,
  waived: 0,
  cancelled: 0,
  onTimeShare: null,
  ...counts,
});

describe('compliance figures', () => {
  it('totals a rule over the window as the API counts a month: waived and cancelled are not in the share', () => {
    const totals = ruleTotals([
      month('2026-01', { due: 4, fulfilledOnTime: 2, fulfilledLate: 1, waived: 1, onTimeShare: 0.667 }),
      month('2026-02', { due: 2, breachedOpen: 1, cancelled: 1, onTimeShare: 0 }),
    ]);
    expect(totals).toEqual({ due: 6, fulfilledOnTime: 2, decided: 4, onTimeShare: 0.5 });
    expect(ruleTotals([month('2026-03', { due: 1, waived: 1 })]).onTimeShare).toBeNull();
  });

  it('charts a month where nothing was decided as a gap, not as 0 %', () => {
    const rule = {
      ruleId: 'NSR-CONVENE',
      title: '',
      basis: 'statute',
      citation: '',
      months: [
        month('2026-01', { onTimeShare: 0.667 }),
        month('2026-02', {}),
        month('2026-03', { onTimeShare: 0 }),
      ],
    };
    expect(shareSeries(rule)).toEqual([66.7, null, 0]);
  });

  it('names seed 003’s bins in Danish', () => {
    expect(binLabel({ label: '0-7', minDays: 0, maxDays: 7 })).toBe('0-7 dage');
    expect(binLabel({ label: 'over 35', minDays: 36, maxDays: null })).toBe('over 35 dage');
  });

  it('knows the months of a window and the months one may pick, across a new year', () => {
    const empty = { from: '2025-11', to: '2026-02', rules: [] } as unknown as Compliance;
    expect(windowMonths(empty)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(recentMonths('2026-02', 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
  });
});
