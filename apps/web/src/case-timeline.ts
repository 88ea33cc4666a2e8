/**
 * A case's history as one timeline in business time: the facts the case system posted and what Fristvagt
 * derived from them (obligations opened, warned, breached, closed), each at the instant it happened, with
 * when it was recorded where that was noticeably later (a fact posted late).
 */
import type { CaseHistory, HistoryObligation } from './api-types';
import { type Catalogue, ruleName } from './catalogue';
import { eventLabel } from './labels';

export interface TimelineEntry {
  readonly key: string;
  readonly at: string;
  readonly recordedAt: string;
  /** Recorded this many ms after it happened, when that is more than a minute. */
  readonly recordedLateMs: number | null;
  readonly kind: 'fact' | 'obligation';
  readonly type: string;
  readonly label: string;
  readonly details: readonly string[];
  readonly actor: string | null;
}

const LATE_AFTER_MS = 60_000;

/** Field of an event's data → how it is shown, for the fields worth showing. */
const DETAIL_FIELDS: readonly [string, string][] = [
  ['documentationId', 'dokumentation'],
  ['councilId', 'samråd'],
  ['planId', 'plan'],
  ['measureId', 'foranstaltning'],
  ['aftercareId', 'efterværn'],
  ['placementId', 'anbringelse'],
  ['toMunicipality', 'til kommune'],
  ['meetingDate', 'mødedato'],
];

function details(
  data: Record<string, unknown>,
  obligations: ReadonlyMap<string, HistoryObligation>,
  catalogue: Pick<Catalogue, 'rules'>,
): string[] {
  const out: string[] = [];
  const obligationId = data.obligationId;
  if (typeof obligationId === 'string') {
    const obligation = obligations.get(obligationId);
    out.push(
      obligation === undefined
        ? obligationId
        : `${obligation.ruleId}: ${ruleName(catalogue, obligation.ruleId, obligation.title)}`,
    );
  }
  for (const [field, label] of DETAIL_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && value !== '') out.push(`${label} ${value}`);
  }
  if (Array.isArray(data.offenceCategories) && data.offenceCategories.length > 0) {
    out.push(`forhold: ${data.offenceCategories.join(', ')}`);
  }
  for (const field of ['justification', 'reason', 'reasoning', 'note']) {
    const value = data[field];
    if (typeof value === 'string' && value.trim() !== '') out.push(`“${value}”`);
  }
  return out;
}

/** The events in business-time order (ties in the order they were recorded); rules by their Danish names. */
export function timeline(history: CaseHistory, catalogue: Pick<Catalogue, 'rules'>): TimelineEntry[] {
  const obligations = new Map(history.obligations.map((obligation) => [obligation.obligationId, obligation]));
  return history.events
    .filter((event) => event.type !== 'ObligationNotOpened')
    .map((event): TimelineEntry & { revision: number } => {
      const late = Date.parse(event.recordedAt) - Date.parse(event.occurredAt);
      return {
        key: event.eventId,
        revision: event.revision,
        at: event.occurredAt,
        recordedAt: event.recordedAt,
        recordedLateMs: late > LATE_AFTER_MS ? late : null,
        kind: event.type.startsWith('Obligation') ? 'obligation' : 'fact',
        type: event.type,
        label: eventLabel(event.type),
        details: details(event.data ?? {}, obligations, catalogue),
        actor: event.actor,
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.revision - b.revision)
    .map(({ revision: _revision, ...entry }) => entry);
}

/** Whether a supervisor may still waive it: only an obligation still open (breached ones included). */
export function isWaivable(obligation: Pick<HistoryObligation, 'status'>): boolean {
  return obligation.status === 'open' || obligation.status === 'due-soon' || obligation.status === 'breached';
}

/** Open obligations first (soonest due first), then the closed ones, most recently due first. */
export function orderObligations(obligations: readonly HistoryObligation[]): HistoryObligation[] {
  const due = (obligation: HistoryObligation) =>
    obligation.dueAt === null ? Number.POSITIVE_INFINITY : Date.parse(obligation.dueAt);
  const open = obligations.filter(isWaivable).sort((a, b) => due(a) - due(b));
  const closed = obligations.filter((obligation) => !isWaivable(obligation)).sort((a, b) => due(b) - due(a));
  return [...open, ...closed];
}
