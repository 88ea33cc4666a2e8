import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@fristvagt/event-store';

/** The event the store benchmarks write: a police documentation fact of ~400 bytes (data + metadata). */
export function benchEvent(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'PoliceDocumentationReceived',
    data: {
      caseId: randomUUID(),
      kind: 'weekly-report',
      offenceCategories: ['violence', 'threats'],
      receivedAt: '2025-03-29T23:30:00.000Z',
      sequence: n,
    },
    metadata: {
      municipality: '461',
      actor: 'integration:bench',
      occurredAt: '2025-03-29T23:30:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}
