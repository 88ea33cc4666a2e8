/** The compliance figures (GET /v1/compliance) as the view shows them: totals per rule and chart series. */
import type { Compliance, ComplianceMonth, ComplianceRule, ConvocationBin } from './api-types';

export interface RuleTotals {
  readonly due: number;
  readonly fulfilledOnTime: number;
  /** The obligations whose outcome counts: fulfilled on time or late, or breached and still open. */
  readonly decided: number;
  readonly onTimeShare: number | null;
}

/** The window's totals, counted as the API counts each month: waived, cancelled and not yet due are not in it. */
export function ruleTotals(months: readonly ComplianceMonth[]): RuleTotals {
  let due = 0;
  let onTime = 0;
  let decided = 0;
  for (const month of months) {
    due += month.due;
    onTime += month.fulfilledOnTime;
    decided += month.fulfilledOnTime + month.fulfilledLate + month.breachedOpen;
  }
  return { due, fulfilledOnTime: onTime, decided, onTimeShare: decided === 0 ? null : onTime / decided };
}

/** The rules worth a line in the chart: those with at least one decided obligation in the window. */
export function chartedRules(report: Compliance): ComplianceRule[] {
  return report.rules.filter((rule) => ruleTotals(rule.months).decided > 0);
}

/** Percent on time per month, null where nothing was decided (a gap in the line, not a zero). */
export function shareSeries(rule: ComplianceRule): (number | null)[] {
  return rule.months.map((month) =>
    month.onTimeShare === null ? null : Math.round(month.onTimeShare * 1000) / 10,
  );
}

/** "0-7 dage", "over 35 dage": a bin as the page says it. */
export function binLabel(bin: Pick<ConvocationBin, 'label' | 'minDays' | 'maxDays'>): string {
  if (bin.maxDays === null) return `over ${bin.minDays - 1} dage`;
  return `${bin.minDays}-${bin.maxDays} dage`;
}

/** The months of the window, YYYY-MM, from the first rule (every rule has every month) or from/to. */
export function windowMonths(report: Compliance): string[] {
  if (report.rules.length > 0) return report.rules[0].months.map((month) => month.month);
  const months: string[] = [];
  let [year, month] = report.from.split('-').map(Number);
  const [toYear, toMonth] = report.to.split('-').map(Number);
  while (year < toYear || (year === toYear && month <= toMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** The months a person may pick, newest first: the current Copenhagen month and the `count - 1` before it. */
export function recentMonths(currentMonth: string, count = 36): string[] {
  let [year, month] = currentMonth.split('-').map(Number);
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}
