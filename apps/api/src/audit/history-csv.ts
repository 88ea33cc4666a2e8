import { type CsvCell, toCsv } from '@fristvagt/audit';
import type { CaseHistory } from '../cases/dto/case-history.dto';

export const EVENT_COLUMNS = [
  'revision',
  'type',
  'occurredAt',
  'recordedAt',
  'actor',
  'actorRole',
  'obligationId',
  'phaseAfter',
  'openObligationsAfter',
  'breachedOpenAfter',
  'data',
] as const;

export const LIFE_COLUMNS = [
  'obligationId',
  'ruleId',
  'dueAt',
  'status',
  'step',
  'at',
  'recordedAt',
  'revision',
  'by',
  'onTime',
  'reason',
  'justification',
] as const;

/** A history as CSV (csv.ts's conventions): one row per event, or per step of each obligation's life. */
export function historyCsv(history: CaseHistory, view: 'events' | 'obligations', bom: boolean): string {
  if (view === 'obligations') {
    const rows: CsvCell[][] = history.obligations.flatMap((obligation) =>
      obligation.life.map((step) => [
        obligation.obligationId,
        obligation.ruleId,
        obligation.dueAt,
        obligation.status,
        step.kind,
        step.at,
        step.recordedAt,
        step.revision,
        step.by,
        step.onTime,
        step.reason,
        step.justification,
      ]),
    );
    return toCsv(LIFE_COLUMNS, rows, { bom });
  }
  const rows = history.events.map((event): CsvCell[] => [
    event.revision,
    event.type,
    event.occurredAt,
    event.recordedAt,
    event.actor,
    event.actorRole,
    typeof event.data.obligationId === 'string' ? event.data.obligationId : null,
    event.stateAfter.phase,
    event.stateAfter.openObligations.map((o) => `${o.obligationId} (${o.state})`).join(' | '),
    event.stateAfter.openObligations.filter((o) => o.state === 'breached').length,
    JSON.stringify(event.data),
  ]);
  return toCsv(EVENT_COLUMNS, rows, { bom });
}
