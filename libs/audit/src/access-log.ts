import type { EventStore, NewEvent, RecordedEvent } from '@fristvagt/event-store';

/** One auditor read, recorded before it is answered. */
export const AUDITOR_READ_RECORDED = 'AuditorReadRecorded';

export interface AuditorReadRecordedData {
  /** The id of the API key: never a name. */
  readonly auditor: string;
  /** `session` when the web page made the read. */
  readonly via: 'bearer' | 'session';
  readonly method: string;
  /** The route's template (`/v1/cases/:caseId/history`), never the URL: a path may hold anything. */
  readonly route: string;
  /** The case the read was about, when the route names one and it is a UUID; else null. */
  readonly caseId: string | null;
  /** The names of the query parameters given, never their values. */
  readonly parameters: readonly string[];
  readonly purpose: string;
  /** ISO-8601 UTC, from the clock port. */
  readonly at: string;
}

export const ACCESS_LOG_STREAM_PREFIX = 'audit-access-';

/** One stream per UTC day: `audit-access-2026-12-01`. Dates only, never anything personal. */
export function accessLogStreamName(day: string): string {
  return `${ACCESS_LOG_STREAM_PREFIX}${day}`;
}

/** The UTC day of an instant. */
export const utcDay = (instant: string): string => new Date(instant).toISOString().slice(0, 10);

/** Every UTC day from `from` to `to` inclusive (YYYY-MM-DD each). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export function accessLogEvent(id: string, data: AuditorReadRecordedData, correlationId: string): NewEvent {
  return {
    id,
    type: AUDITOR_READ_RECORDED,
    data: data as unknown as Record<string, unknown>,
    metadata: {
      // An auditor's read belongs to no one municipality; 000 files it somewhere stable, as API keys are.
      municipality: '000',
      actor: data.auditor,
      occurredAt: data.at,
      correlationId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

export interface AccessLogEntry extends AuditorReadRecordedData {
  readonly recordedAt: string;
}

export interface AccessLogFilter {
  readonly auditor?: string;
  readonly caseId?: string;
  /** Inclusive instants (ms). */
  readonly from: number;
  readonly to: number;
}

export function matchesAccessFilter(event: RecordedEvent, filter: AccessLogFilter): boolean {
  if (event.type !== AUDITOR_READ_RECORDED) return false;
  const data = event.data as unknown as AuditorReadRecordedData;
  const at = Date.parse(data.at);
  return (
    at >= filter.from &&
    at <= filter.to &&
    (filter.auditor === undefined || data.auditor === filter.auditor) &&
    (filter.caseId === undefined || data.caseId === filter.caseId.toLowerCase())
  );
}

export function toAccessLogEntry(event: RecordedEvent): AccessLogEntry {
  const data = event.data as unknown as AuditorReadRecordedData;
  return { ...data, recordedAt: event.metadata.recordedAt };
}

/** Appends one record to its day's stream; resolves once it is stored. */
export async function recordAuditorRead(
  store: Pick<EventStore, 'append'>,
  id: string,
  data: AuditorReadRecordedData,
  correlationId: string,
): Promise<void> {
  await store.append(accessLogStreamName(utcDay(data.at)), [accessLogEvent(id, data, correlationId)]);
}
