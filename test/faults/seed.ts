import { randomUUID } from 'node:crypto';
import { toNewEvents } from '@fristvagt/case-commands';
import type { ObligationOpened } from '@fristvagt/domain';
import type { EventStore, RecordedEvent } from '@fristvagt/event-store';
import { mapLimit } from '../support/api-requests';
import { allEvents } from '../support/api-requests';
import { openCase } from '../support/cases';

export interface SeededObligation {
  readonly caseId: string;
  readonly obligationId: string;
  readonly dueAt: string;
}

/**
 * Cases each with one open obligation whose due instants are spread evenly from `firstDueMs` over `spreadMs`.
 * Every statutory due falls at a Copenhagen midnight, so no real rule can make 500 deadlines fall due within
 * one minute: the obligation is written as the domain writes one (an ObligationOpened of NSR-CONVENE) with
 * a due instant chosen by the test. Breaching it is entirely the engine's business.
 */
export async function seedObligations(
  store: EventStore,
  count: number,
  firstDueMs: number,
  spreadMs: number,
): Promise<SeededObligation[]> {
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) => {
      const caseId = randomUUID();
      const dueAt = new Date(firstDueMs + Math.round((i * spreadMs) / Math.max(1, count - 1))).toISOString();
      const created = await openCase(store, caseId, {
        occurredAt: '2026-01-05T09:00:00.000Z',
        birthDate: '2010-03-01',
      });
      const obligationId = 'NSR-CONVENE:documentation:pol-fault';
      const opened: ObligationOpened = {
        type: 'ObligationOpened',
        occurredAt: '2026-01-05T10:00:00.000Z',
        data: {
          obligationId,
          ruleId: 'NSR-CONVENE',
          variant: 'barnets-lov',
          title: 'Convene a network council (fault-test due instant)',
          subject: { kind: 'documentation', id: 'pol-fault' },
          dueAt,
          dueDate: dueAt.slice(0, 10),
          strictDueAt: dueAt,
          strictDueDate: dueAt.slice(0, 10),
          rolledDueAt: null,
          rolledDueDate: null,
          dueClamped: false,
          warnAt: null,
          basis: 'statute',
          citation: 'fault test',
          citationVerified: false,
          rulePack: { id: 'dk-youth', version: 'fault-test' },
          municipality: '461',
          triggeredBy: { type: 'PoliceDocumentationReceived', key: 'pol-fault' },
          fulfilledBy: [{ fact: 'CouncilConvened' }],
          cancelledBy: [],
        },
      };
      await store.append(
        `case-${caseId}`,
        toNewEvents([opened], {
          municipality: '461',
          actor: 'test',
          correlationId: randomUUID(),
          idempotency: null,
        }),
        { expectedRevision: created.nextRevision },
      );
      return { caseId, obligationId, dueAt };
    },
  );
}

export interface BreachFinding {
  readonly caseId: string;
  readonly dueAt: string;
  readonly breaches: number;
  /** detectedAt − dueAt of the first breach, ms. */
  readonly lateMs: number | null;
}

/** Every seeded obligation with the breaches the log holds for it. */
export async function breachesOf(
  store: EventStore,
  seeded: readonly SeededObligation[],
): Promise<BreachFinding[]> {
  const byCase = new Map<string, RecordedEvent[]>();
  for (const event of await allEvents(store)) {
    if (event.type !== 'ObligationBreached') continue;
    const caseId = event.streamName.slice('case-'.length);
    byCase.set(caseId, [...(byCase.get(caseId) ?? []), event]);
  }
  return seeded.map(({ caseId, dueAt }) => {
    const breaches = byCase.get(caseId) ?? [];
    const first = breaches[0];
    return {
      caseId,
      dueAt,
      breaches: breaches.length,
      lateMs: first === undefined ? null : Date.parse(String(first.data.detectedAt)) - Date.parse(dueAt),
    };
  });
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
