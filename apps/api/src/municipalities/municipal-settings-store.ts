import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { loadDecideAppend, loadStream, StreamKeptChanging } from '@fristvagt/case-commands';
import type {
  LocalDate,
  MunicipalityOverrides,
  MunicipalSettingsEntry,
  MunicipalSettingsTimeline,
} from '@fristvagt/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@fristvagt/event-store';

/** The event an admin's settings request appends. */
export const MUNICIPAL_SETTINGS_RECORDED = 'MunicipalSettingsRecorded';
export const MUNICIPAL_SETTINGS_SCHEMA_VERSION = 1;

/** One stream per municipality; a kommunekode is not personal data. */
export const municipalSettingsStream = (code: string): string => `municipality-${code}-settings`;

/** The timeline as stored, with the version the ETag carries: the number of entries (0: none yet). */
export interface StoredTimeline {
  readonly municipality: string;
  readonly timeline: MunicipalSettingsTimeline;
  readonly version: number;
  /** Actors of the entries, in their order (for the history view). */
  readonly events: readonly RecordedEvent[];
}

export interface RecordSettingsRequest {
  readonly municipality: string;
  readonly effectiveFrom: LocalDate;
  readonly settings: MunicipalityOverrides;
  readonly actor: string;
  readonly now: string;
  readonly correlationId: string;
  readonly idempotency: { readonly key: string; readonly request: string };
  /** The version the caller last saw (If-Match); null: append after whatever is there. */
  readonly ifMatch: number | null;
}

export interface RecordSettingsResult {
  readonly stored: StoredTimeline;
  readonly replayed: boolean;
}

/** Attempts at an append that keeps meeting another writer of the same municipality before 409. */
const MAX_ATTEMPTS = 5;

function entryOf(event: RecordedEvent): MunicipalSettingsEntry {
  const data = event.data as { effectiveFrom: LocalDate; settings: MunicipalityOverrides };
  return {
    effectiveFrom: data.effectiveFrom,
    settings: data.settings,
    recordedAt: event.metadata.occurredAt,
    by: event.metadata.actor,
  };
}

function storedOf(municipality: string, events: readonly RecordedEvent[]): StoredTimeline {
  const recorded = events.filter((event) => event.type === MUNICIPAL_SETTINGS_RECORDED);
  return { municipality, timeline: recorded.map(entryOf), version: events.length, events: recorded };
}

/**
 * The municipalities' settings timelines in the event store (rules/municipal-settings.ts in the domain): read
 * for every case command of the municipality (one read of a short stream) and written by the settings endpoint.
 */
@Injectable()
export class MunicipalSettingsStore {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async read(municipality: string): Promise<StoredTimeline> {
    const loaded = await loadStream(this.store, municipalSettingsStream(municipality));
    return storedOf(municipality, loaded.events);
  }

  /**
   * The timelines of `codes` and the events of one more stream (a command's case), in one read where the event
   * store can read several streams at once (readStreams); undefined where it cannot.
   */
  async timelinesBeside(
    codes: readonly string[],
    stream: string,
  ): Promise<{ timelines: Record<string, MunicipalSettingsTimeline>; events: RecordedEvent[] } | undefined> {
    if (this.store.readStreams === undefined) return undefined;
    const unique = [...new Set(codes)];
    const read = await this.store.readStreams([stream, ...unique.map(municipalSettingsStream)]);
    const timelines = Object.fromEntries(
      unique.map((code) => [code, storedOf(code, read.get(municipalSettingsStream(code)) ?? []).timeline]),
    );
    return { timelines, events: read.get(stream) ?? [] };
  }

  /** The timelines of several municipalities, read side by side. */
  async timelines(codes: readonly string[]): Promise<Record<string, MunicipalSettingsTimeline>> {
    const unique = [...new Set(codes)];
    const read = await Promise.all(unique.map((code) => this.read(code)));
    return Object.fromEntries(read.map(({ municipality, timeline }) => [municipality, timeline]));
  }

  /**
   * Appends one entry at the version that was read. A retry with the same Idempotency-Key finds its event
   * in the stream and gets the same answer; the same key with another request is refused; If-Match that
   * is not the current version is 412 and stores nothing.
   */
  async record(request: RecordSettingsRequest): Promise<RecordSettingsResult> {
    const stream = municipalSettingsStream(request.municipality);
    let settled: { version: number; replayed: boolean };
    try {
      settled = await loadDecideAppend<{ version: number; replayed: boolean }>(
        this.store,
        stream,
        (loaded) => {
          const own = loaded.events.findIndex(
            (event) => event.metadata.idempotency?.key === request.idempotency.key,
          );
          if (own >= 0) {
            if (loaded.events[own].metadata.idempotency?.request !== request.idempotency.request) {
              throw idempotencyKeyReused();
            }
            return { kind: 'answer', value: { version: own + 1, replayed: true } };
          }
          const version = loaded.events.length;
          if (request.ifMatch !== null && request.ifMatch !== version) {
            throw versionMismatch(request.ifMatch, version);
          }
          return {
            kind: 'append',
            events: [
              {
                id: randomUUID(),
                type: MUNICIPAL_SETTINGS_RECORDED,
                data: {
                  municipality: request.municipality,
                  effectiveFrom: request.effectiveFrom,
                  settings: request.settings as unknown as Record<string, unknown>,
                },
                metadata: {
                  municipality: request.municipality,
                  actor: request.actor,
                  occurredAt: request.now,
                  correlationId: request.correlationId,
                  causationId: null,
                  schemaVersion: MUNICIPAL_SETTINGS_SCHEMA_VERSION,
                  idempotency: request.idempotency,
                },
              },
            ],
            answer: () => ({ version: version + 1, replayed: false }),
          };
        },
        request.ifMatch === null ? { maxAttempts: MAX_ATTEMPTS } : { maxAttempts: 1, backOff: false },
      );
    } catch (error) {
      if (error instanceof StreamKeptChanging) throw settingsKeptChanging(request.ifMatch !== null);
      throw error;
    }
    const stored = await this.read(request.municipality);
    return {
      stored: {
        ...stored,
        timeline: stored.timeline.slice(0, settled.version),
        events: stored.events.slice(0, settled.version),
        version: settled.version,
      },
      replayed: settled.replayed,
    };
  }
}

function versionMismatch(expected: number, actual: number): HttpException {
  return new HttpException(
    {
      code: 'revision-mismatch',
      field: 'If-Match',
      detail: `If-Match expected version ${expected}, but the settings are at version ${actual}; read them again`,
    },
    HttpStatus.PRECONDITION_FAILED,
  );
}

function settingsKeptChanging(pinned: boolean): HttpException {
  return pinned
    ? new HttpException(
        {
          code: 'revision-mismatch',
          field: 'If-Match',
          detail: 'The settings changed while this request was decided; read them again',
        },
        HttpStatus.PRECONDITION_FAILED,
      )
    : new HttpException(
        {
          code: 'stream-revision-conflict',
          detail: 'The settings kept changing while this request was decided; try again',
        },
        HttpStatus.CONFLICT,
      );
}

function idempotencyKeyReused(): HttpException {
  return new HttpException(
    {
      code: 'idempotency-key-reused',
      field: 'Idempotency-Key',
      detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
    },
    HttpStatus.UNPROCESSABLE_ENTITY,
  );
}
