import { NewEvent, RecordedEvent } from './event-store.port';
import { InvalidAppend } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_STREAM_NAME = 200;

/** Checks what every adapter must refuse before it touches storage. Messages name fields, never values. */
export function validateNewEvents(streamName: string, events: readonly NewEvent[]): void {
  if (typeof streamName !== 'string' || streamName.length === 0 || streamName.length > MAX_STREAM_NAME) {
    throw new InvalidAppend(`Stream name must be 1 to ${MAX_STREAM_NAME} characters`);
  }
  if (streamName.startsWith('$')) throw new InvalidAppend('Stream names starting with $ are reserved');
  if (!Array.isArray(events) || events.length === 0)
    throw new InvalidAppend('An append needs at least one event');
  const ids = new Set<string>();
  for (const [i, event] of events.entries()) {
    if (typeof event.id !== 'string' || !UUID.test(event.id))
      throw new InvalidAppend(`events[${i}].id must be a UUID`);
    if (ids.has(event.id.toLowerCase()))
      throw new InvalidAppend(`events[${i}].id repeats an id of the same append`);
    ids.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
      throw new InvalidAppend(`events[${i}].type must be a non-empty string not starting with $`);
    }
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
      throw new InvalidAppend(`events[${i}].data must be an object`);
    }
    const m = event.metadata;
    if (typeof m !== 'object' || m === null) throw new InvalidAppend(`events[${i}].metadata is required`);
    for (const field of ['municipality', 'actor', 'occurredAt', 'correlationId'] as const) {
      if (typeof m[field] !== 'string' || m[field].length === 0) {
        throw new InvalidAppend(`events[${i}].metadata.${field} must be a non-empty string`);
      }
    }
    if (m.causationId !== null && typeof m.causationId !== 'string') {
      throw new InvalidAppend(`events[${i}].metadata.causationId must be a string or null`);
    }
    if (!Number.isInteger(m.schemaVersion) || m.schemaVersion < 1) {
      throw new InvalidAppend(`events[${i}].metadata.schemaVersion must be a positive integer`);
    }
  }
}

/** Same type, data and metadata (apart from the store's own recordedAt), whatever the key order. */
export function sameEventContent(candidate: NewEvent, stored: RecordedEvent): boolean {
  const { recordedAt: _recordedAt, ...storedMetadata } = stored.metadata;
  return (
    candidate.type === stored.type &&
    canonicalJson(candidate.data) === canonicalJson(stored.data) &&
    canonicalJson(candidate.metadata) === canonicalJson(storedMetadata)
  );
}

/** JSON with object keys sorted, after a JSON round trip (so `undefined` members vanish as they do in storage). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
