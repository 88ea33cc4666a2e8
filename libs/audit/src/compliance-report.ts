import {
  type CaseEvent,
  type CaseState,
  COUNCIL_NOT_HELD_REASONS,
  type CouncilNotHeldReason,
  caseFolder,
  initialCaseState,
  localDateOf,
  type ObligationState,
} from '@fristvagt/domain';
import { toDomainEvent } from '@fristvagt/case-commands';
import type { RecordedEvent } from '@fristvagt/event-store';
import { CONVENE_RULE_ID, CONVOCATION_BINS } from '@fristvagt/projections';

export interface ComplianceReportFilter {
  /** Municipalities (now, after any transfer); null: every one. */
  readonly municipalities: readonly string[] | null;
  /** Copenhagen dates, inclusive: obligations whose triggering fact occurred on one of these days. */
  readonly from: string;
  readonly to: string;
  readonly ruleId?: string;
  /** An open obligation due at or before it counts as breached, marked or not. */
  readonly now: string;
}

export interface DayFigures {
  /** How many fulfilled obligations the days are counted over. */
  readonly count: number;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface RuleFigures {
  readonly ruleId: string;
  readonly opened: number;
  readonly fulfilledOnTime: number;
  readonly fulfilledLate: number;
  readonly breachedOpen: number;
  readonly open: number;
  readonly waived: number;
  readonly cancelled: number;
  /** fulfilledOnTime / (fulfilledOnTime + fulfilledLate + breachedOpen), 3 decimals; null when that is 0. */
  readonly onTimeShare: number | null;
  readonly daysToFulfilment: DayFigures;
}

export interface BinCount {
  readonly label: string;
  readonly minDays: number;
  readonly maxDays: number | null;
  readonly count: number;
}

export interface NetworkCouncilFigures {
  /** Police notifications (NSR-CONVENE obligations) in the window. */
  readonly notifications: number;
  readonly toConvocation: { readonly bins: readonly BinCount[]; readonly notConvened: number };
  readonly toHolding: {
    readonly bins: readonly BinCount[];
    readonly notHeld: number;
    readonly pending: number;
  };
  /** Councils recorded as not held, per reason (every reason listed, 0 when none). */
  readonly notHeldReasons: Readonly<Record<CouncilNotHeldReason, number>>;
}

export interface ComplianceReportFigures {
  readonly rules: readonly RuleFigures[];
  readonly networkCouncils: NetworkCouncilFigures;
}

/** Whole Copenhagen calendar days from the local date of `from` to that of `to`. */
export function localDaysBetween(from: string, to: string): number {
  const utc = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
  return Math.round((utc(localDateOf(to)) - utc(localDateOf(from))) / 86_400_000);
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const dayFigures = (days: number[]): DayFigures => {
  const sorted = [...days].sort((a, b) => a - b);
  return { count: sorted.length, median: median(sorted), p90: nearestRank(sorted, 90) };
};

const binOf = (days: number) =>
  CONVOCATION_BINS.findIndex((bin) => days >= bin.minDays && (bin.maxDays === null || days <= bin.maxDays));

interface Tally {
  opened: number;
  fulfilledOnTime: number;
  fulfilledLate: number;
  breachedOpen: number;
  open: number;
  waived: number;
  cancelled: number;
  days: number[];
}

/** What one case's stream tells the report: its state now, and its councils' outcomes with reasons. */
function readCase(events: readonly RecordedEvent[]) {
  const folder = caseFolder(initialCaseState);
  let state: CaseState = initialCaseState;
  const notHeld = new Map<string, { at: string; reason: CouncilNotHeldReason }>();
  const councilsOf = new Map<string, string[]>();
  for (const recorded of events) {
    const event: CaseEvent = toDomainEvent(recorded);
    state = folder.apply([event]);
    if (event.type === 'CouncilNotHeld') {
      notHeld.set(event.data.councilId, { at: event.occurredAt, reason: event.data.reason });
    }
    if (event.type === 'CouncilConvened' && event.data.documentationId !== null) {
      const id = event.data.documentationId;
      councilsOf.set(id, [...(councilsOf.get(id) ?? []), event.data.councilId]);
    }
  }
  return { state, notHeld, councilsOf };
}

/**
 * The compliance report over case streams (counting rules in docs/audit.md). Each obligation is counted once,
 * under its rule, when the fact that triggered it occurred on a Copenhagen day from `from` to `to` and its case
 * now belongs to one of `municipalities`; its outcome is how it stands now.
 */
export function complianceReport(
  cases: Iterable<readonly RecordedEvent[]>,
  filter: ComplianceReportFilter,
): ComplianceReportFigures {
  const now = Date.parse(filter.now);
  const tallies = new Map<string, Tally>();
  const convocationBins = CONVOCATION_BINS.map(() => 0);
  const holdingBins = CONVOCATION_BINS.map(() => 0);
  const reasons = Object.fromEntries(COUNCIL_NOT_HELD_REASONS.map((reason) => [reason, 0])) as Record<
    CouncilNotHeldReason,
    number
  >;
  let notifications = 0;
  let notConvened = 0;
  let notHeldCount = 0;
  let pending = 0;

  for (const events of cases) {
    const { state, notHeld, councilsOf } = readCase(events);
    if (!state.opened || state.municipality === null) continue;
    if (filter.municipalities !== null && !filter.municipalities.includes(state.municipality)) continue;
    for (const obligation of Object.values(state.obligations)) {
      const triggered = localDateOf(obligation.openedAt);
      if (triggered < filter.from || triggered > filter.to) continue;
      if (obligation.ruleId === CONVENE_RULE_ID) {
        notifications += 1;
        const convened = obligation.status === 'fulfilled' && obligation.fulfilledAt !== null;
        if (convened)
          convocationBins[binOf(localDaysBetween(obligation.openedAt, obligation.fulfilledAt!))] += 1;
        else if (obligation.status === 'open') notConvened += 1;
        const documentationId = obligation.subject.id;
        const councils = (councilsOf.get(documentationId) ?? []).map((councilId) => ({
          councilId,
          council: state.councils[councilId],
        }));
        const held = councils.find(({ council }) => council?.outcome?.held === true);
        const notHeldOne = councils.find(({ councilId }) => notHeld.has(councilId));
        if (held !== undefined) {
          holdingBins[binOf(localDaysBetween(obligation.openedAt, held.council.outcome!.at))] += 1;
        } else if (notHeldOne !== undefined) {
          notHeldCount += 1;
          reasons[notHeld.get(notHeldOne.councilId)!.reason] += 1;
        } else if (convened) {
          pending += 1;
        }
      }
      if (filter.ruleId !== undefined && obligation.ruleId !== filter.ruleId) continue;
      const tally = tallies.get(obligation.ruleId) ?? newTally();
      tallies.set(obligation.ruleId, tally);
      count(tally, obligation, now);
    }
  }

  const rules = [...tallies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ruleId, { days, ...tally }]): RuleFigures => {
      const judged = tally.fulfilledOnTime + tally.fulfilledLate + tally.breachedOpen;
      return {
        ruleId,
        ...tally,
        onTimeShare: judged === 0 ? null : Math.round((tally.fulfilledOnTime / judged) * 1000) / 1000,
        daysToFulfilment: dayFigures(days),
      };
    });
  const bins = (counts: number[]) => CONVOCATION_BINS.map((bin, i) => ({ ...bin, count: counts[i] }));
  return {
    rules,
    networkCouncils: {
      notifications,
      toConvocation: { bins: bins(convocationBins), notConvened },
      toHolding: { bins: bins(holdingBins), notHeld: notHeldCount, pending },
      notHeldReasons: reasons,
    },
  };
}

function newTally(): Tally {
  return {
    opened: 0,
    fulfilledOnTime: 0,
    fulfilledLate: 0,
    breachedOpen: 0,
    open: 0,
    waived: 0,
    cancelled: 0,
    days: [],
  };
}

function count(tally: Tally, obligation: ObligationState, now: number): void {
  tally.opened += 1;
  switch (obligation.status) {
    case 'fulfilled':
      if (obligation.onTime === false) tally.fulfilledLate += 1;
      else tally.fulfilledOnTime += 1;
      if (obligation.fulfilledAt !== null)
        tally.days.push(localDaysBetween(obligation.openedAt, obligation.fulfilledAt));
      break;
    case 'waived':
      tally.waived += 1;
      break;
    case 'cancelled':
      tally.cancelled += 1;
      break;
    case 'open':
      if (obligation.breached || (obligation.dueAt !== null && Date.parse(obligation.dueAt) <= now)) {
        tally.breachedOpen += 1;
      } else tally.open += 1;
      break;
  }
}
