import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, Position, RecordedEvent } from '@fristvagt/event-store';

export function newEvent(
  type = 'TestHappened',
  data: Record<string, unknown> = {},
  id = randomUUID(),
): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      municipality: '461',
      actor: 'test',
      occurredAt: '2025-03-29T23:30:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

export function streamName(prefix = 'case'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The position of the last event in the log now (for tests that want "only what I write next"). */
export async function headPosition(store: EventStore): Promise<Position | 'start'> {
  let head: Position | 'start' = 'start';
  for (;;) {
    const batch: RecordedEvent[] = await store.readAll({ fromPosition: head, maxCount: 10_000 });
    if (batch.length === 0) return head;
    head = batch[batch.length - 1].position;
  }
}
