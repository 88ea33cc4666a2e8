/**
 * The board's decisions, apart from the screen: which column an obligation is in, in what order, and what a
 * live alert changes. The list comes from the obligations read model, which follows the log a moment behind;
 * the alert stream reads the log itself. So an alert is kept as an override until a fetched list has caught
 * up with it, and a list fetched a moment too early never moves a card back.
 */
import type { AlertKind, AlertMessage, ObligationItem, ObligationState } from './api-types';

export type Column = 'breached' | 'due-soon' | 'open';

export const COLUMNS: readonly Column[] = ['breached', 'due-soon', 'open'];

export const COLUMN_TITLES: Readonly<Record<Column, string>> = {
  breached: 'Overskredet',
  'due-soon': 'Forfalder snart',
  open: 'Åbne',
};

export const COLUMN_DESCRIPTIONS: Readonly<Record<Column, string>> = {
  breached: 'Fristen er passeret, og forpligtelsen er ikke opfyldt.',
  'due-soon': 'Fristen falder inden for reglens varslingsperiode.',
  open: 'Fristen ligger senere.',
};

/** How far along the way to a breach a state is; closed states leave the board. */
const PROGRESS: Readonly<Record<ObligationState, number>> = {
  open: 0,
  'due-soon': 1,
  breached: 2,
  fulfilled: 3,
  cancelled: 3,
  waived: 3,
};

export function columnOf(state: ObligationState): Column | null {
  return state === 'breached' || state === 'due-soon' || state === 'open' ? state : null;
}

/** Soonest due first, obligations without a due last, then by case and obligation so the order is stable. */
export function compareByDue(a: ObligationItem, b: ObligationItem): number {
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    const diff = Date.parse(a.dueAt) - Date.parse(b.dueAt);
    if (diff !== 0) return diff;
  }
  return a.caseId.localeCompare(b.caseId) || a.obligationId.localeCompare(b.obligationId);
}

/** What the stream said last about an obligation. */
export interface LiveOverride {
  readonly state: ObligationState;
  readonly detectedAt: string;
}

export type Overrides = ReadonlyMap<string, LiveOverride>;

const ALERT_STATE: Readonly<Record<AlertKind, ObligationState>> = {
  'due-soon': 'due-soon',
  breached: 'breached',
  'fulfilled-late': 'fulfilled',
};

const key = (caseId: string, obligationId: string) => `${caseId} ${obligationId}`;
export const itemKey = (item: Pick<ObligationItem, 'caseId' | 'obligationId'>) =>
  key(item.caseId, item.obligationId);

/** The overrides after one alert; an alert never moves an obligation back (a late due-soon after a breach). */
export function recordAlert(overrides: Overrides, kind: AlertKind, alert: AlertMessage): Overrides {
  const state = ALERT_STATE[kind];
  const id = key(alert.caseId, alert.obligationId);
  const before = overrides.get(id);
  if (before !== undefined && PROGRESS[before.state] >= PROGRESS[state]) return overrides;
  const next = new Map(overrides);
  next.set(id, { state, detectedAt: alert.detectedAt });
  return next;
}

function applyOverride(item: ObligationItem, override: LiveOverride | undefined): ObligationItem {
  if (override === undefined || PROGRESS[override.state] <= PROGRESS[item.state]) return item;
  return {
    ...item,
    state: override.state,
    ...(override.state === 'breached' && { breachDetectedAt: override.detectedAt }),
    ...(override.state === 'due-soon' && { warnDetectedAt: override.detectedAt }),
  };
}

/** Overrides the fetched list has caught up with are no longer needed. */
export function pruneOverrides(overrides: Overrides, items: readonly ObligationItem[]): Overrides {
  if (overrides.size === 0) return overrides;
  const next = new Map(overrides);
  for (const item of items) {
    const override = next.get(itemKey(item));
    if (override !== undefined && PROGRESS[item.state] >= PROGRESS[override.state])
      next.delete(itemKey(item));
  }
  return next;
}

export interface BoardFilter {
  readonly municipality?: string;
  readonly rule?: string;
  /** Any part of a case id (people paste the first characters). */
  readonly caseId?: string;
}

export function matches(
  item: Pick<ObligationItem, 'municipality' | 'ruleId' | 'caseId'>,
  filter: BoardFilter,
): boolean {
  if (filter.municipality && item.municipality !== filter.municipality) return false;
  if (filter.rule && item.ruleId !== filter.rule) return false;
  if (filter.caseId && !item.caseId.toLowerCase().includes(filter.caseId.trim().toLowerCase())) return false;
  return true;
}

export type Columns = Readonly<Record<Column, readonly ObligationItem[]>>;

/** The fetched obligations with the stream's news applied, filtered, in their columns, each sorted by due. */
export function arrange(
  items: readonly ObligationItem[],
  overrides: Overrides,
  filter: BoardFilter,
): Columns {
  const columns: Record<Column, ObligationItem[]> = { breached: [], 'due-soon': [], open: [] };
  for (const fetched of items) {
    const item = applyOverride(fetched, overrides.get(itemKey(fetched)));
    const column = columnOf(item.state);
    if (column !== null && matches(item, filter)) columns[column].push(item);
  }
  for (const column of COLUMNS) columns[column].sort(compareByDue);
  return columns;
}

/** Whether an alert is about an obligation the board does not have, so the list must be fetched again. */
export function isUnknown(items: readonly ObligationItem[], alert: AlertMessage): boolean {
  const id = key(alert.caseId, alert.obligationId);
  return !items.some((item) => itemKey(item) === id);
}
