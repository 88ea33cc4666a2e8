import type { RecordedEvent } from '@fristvagt/event-store';
import { DeadlineEngine } from './deadline-engine';
import type { WakeUp, WakeUpScheduler } from './scheduler.port';

const NOW = new Date('2026-03-29T00:30:00.000Z'); // the night Copenhagen goes to summer time
const HOUR = 3_600_000;

function opened(
  caseId: string,
  obligationId: string,
  warnAt: string | null,
  dueAt: string | null,
): RecordedEvent {
  return {
    id: crypto.randomUUID(),
    type: 'ObligationOpened',
    streamName: `case-${caseId}`,
    revision: 1n,
    position: { commit: 1n, prepare: 1n },
    data: { obligationId, warnAt, dueAt },
    metadata: {} as RecordedEvent['metadata'],
  };
}

/** The engine's afterCommit, with a scheduler that records what it is given (nothing else is used). */
function engine(horizonMs: number): { engine: DeadlineEngine; scheduled: WakeUp[][] } {
  const scheduled: WakeUp[][] = [];
  const scheduler = {
    schedule: async (wakeUps: readonly WakeUp[]) => void scheduled.push([...wakeUps]),
  } as unknown as WakeUpScheduler;
  const unused = undefined as never;
  return {
    engine: new DeadlineEngine(unused, unused, scheduler, { now: () => NOW }, unused, { horizonMs }),
    scheduled,
  };
}

describe('DeadlineEngine.afterCommit', () => {
  it('schedules the instants of opened obligations that lie ahead within the horizon, and nothing else', async () => {
    const { engine: e, scheduled } = engine(48 * HOUR);
    await e.afterCommit([
      opened('a', 'both-within', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z'),
      opened('b', 'warn-within', '2026-03-30T22:00:00.000Z', '2026-04-05T22:00:00.000Z'),
      opened('c', 'warn-passed', '2026-03-28T23:00:00.000Z', '2026-03-30T22:00:00.000Z'),
      opened('d', 'at-the-horizon', null, new Date(NOW.getTime() + 48 * HOUR).toISOString()),
      opened('e', 'beyond', '2026-04-10T22:00:00.000Z', '2026-04-12T22:00:00.000Z'),
      opened('f', 'now-is-not-ahead', null, NOW.toISOString()),
      { ...opened('g', 'not-a-case', null, '2026-03-30T22:00:00.000Z'), streamName: 'alert-subscription-1' },
      { ...opened('h', 'not-opened', null, '2026-03-30T22:00:00.000Z'), type: 'ObligationDueSoon' },
    ]);
    expect(scheduled).toEqual([
      [
        { caseId: 'a', obligationId: 'both-within', kind: 'warn', at: '2026-03-29T22:00:00.000Z' },
        { caseId: 'a', obligationId: 'both-within', kind: 'due', at: '2026-03-30T22:00:00.000Z' },
        { caseId: 'b', obligationId: 'warn-within', kind: 'warn', at: '2026-03-30T22:00:00.000Z' },
        { caseId: 'c', obligationId: 'warn-passed', kind: 'due', at: '2026-03-30T22:00:00.000Z' },
        { caseId: 'd', obligationId: 'at-the-horizon', kind: 'due', at: '2026-03-31T00:30:00.000Z' },
      ],
    ]);
  });

  it('does not call the scheduler for a batch with nothing within the horizon', async () => {
    const { engine: e, scheduled } = engine(HOUR);
    await e.afterCommit([opened('a', 'later', '2026-03-30T22:00:00.000Z', '2026-04-01T22:00:00.000Z')]);
    expect(scheduled).toEqual([]);
  });
});
