import { randomUUID } from 'node:crypto';
import type { CaseCommand } from '@fristvagt/domain';
import { cmd } from '@fristvagt/domain/test-support';
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

export const DAY = 86_400_000;

/** An instant (ms) as the commands' ISO text. */
export const at = (ms: number) => new Date(ms).toISOString();

/**
 * Cycle `i` of the large cases the fold and audit benchmarks build, from the instant `t` (ms): police
 * documentation, a council convened the next day for a meeting 5 days on, held on day 3, and a plan adopted
 * an hour later, as the decider records them.
 */
export function councilCycle(i: number, t: number): CaseCommand[] {
  const documentationId = `pol-${i}`;
  const councilId = `c-${i}`;
  return [
    cmd(
      'RecordPoliceDocumentation',
      { documentationId, kind: 'interview-invitation', offenceCategories: ['robbery'] },
      at(t),
    ),
    cmd(
      'ConveneCouncil',
      {
        councilId,
        documentationId,
        invitees: [{ role: 'youth' }],
        meetingDate: at(t + 5 * DAY).slice(0, 10),
      },
      at(t + DAY),
    ),
    cmd(
      'RecordCouncilHeld',
      { councilId, participants: [{ role: 'youth' }], agreements: [] },
      at(t + 3 * DAY),
    ),
    cmd('AdoptPlan', { planId: `plan-${i}`, councilId }, at(t + 3 * DAY + 3_600_000)),
  ];
}
