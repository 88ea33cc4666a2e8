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
  return engineAt(NOW, horizonMs);
}

function engineAt(now: Date, horizonMs: number): { engine: DeadlineEngine; scheduled: WakeUp[][] } {
  const scheduled: WakeUp[][] = [];
  const scheduler = {
    schedule: async (wakeUps: readonly WakeUp[]) => void scheduled.push([...wakeUps]),
  } as unknown as WakeUpScheduler;
  const unused = undefined as never;
  return {
    engine: new DeadlineEngine(unused, unused, scheduler, { now: () => now }, unused, { horizonMs }),
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

describe('DeadlineEngine.needs', () => {
  it('keeps for afterCommit the opened obligations with an instant ahead within the horizon and an hour more', () => {
    const { engine: e } = engine(48 * HOUR);
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    const needed = (event: RecordedEvent) => e.needs(event);
    expect(needed(opened('a', 'both-within', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z'))).toBe(
      true,
    );
    expect(needed(opened('b', 'warn-only', at(47 * HOUR), at(30 * 24 * HOUR)))).toBe(true);
    expect(needed(opened('c', 'due-only', at(-HOUR), at(HOUR)))).toBe(true);
    expect(needed(opened('d', 'within-the-hour-after', null, at(49 * HOUR)))).toBe(true);
    expect(needed(opened('e', 'beyond-that', at(49 * HOUR + 1), at(60 * HOUR)))).toBe(false);
    expect(needed(opened('f', 'passed', at(-2 * HOUR), NOW.toISOString()))).toBe(false);
    expect(needed(opened('g', 'none', null, null))).toBe(false);
    expect(needed({ ...opened('h', 'not-a-case', null, at(HOUR)), streamName: 'alert-subscription-1' })).toBe(
      false,
    );
    expect(needed({ ...opened('i', 'not-opened', null, at(HOUR)), type: 'ObligationDueSoon' })).toBe(false);
  });

  it('judges an instant written in another form by its time, as afterCommit does', () => {
    const { engine: e } = engine(48 * HOUR);
    // NOW is 01:30 in Copenhagen's winter time (+01:00), the night of the change to summer time.
    expect(e.needs(opened('a', 'just-ahead', null, '2026-03-29T01:30:00.001+01:00'))).toBe(true);
    expect(e.needs(opened('b', 'just-passed', null, '2026-03-29T01:30:00+01:00'))).toBe(false);
    expect(e.needs(opened('c', 'last-kept', null, '2026-03-31T03:30:00+02:00'))).toBe(true); // 49 h ahead
    expect(e.needs(opened('d', 'first-not', null, '2026-03-31T01:30:00.001Z'))).toBe(false);
    expect(e.needs(opened('e', 'no-milliseconds', null, '2026-03-29T01:00:00Z'))).toBe(true);
  });

  it('keeps every event of which afterCommit, committed up to an hour after the read, makes a wake-up', async () => {
    const { engine: e } = engine(48 * HOUR);
    const events = Array.from({ length: 200 }, (_, i) =>
      opened(`c${i}`, 'o', null, new Date(NOW.getTime() + (i - 20) * 20 * 60_000).toISOString()),
    );
    const kept = events.filter((event) => e.needs(event));
    for (const commitDelay of [0, 30 * 60_000, HOUR]) {
      const later = engineAt(new Date(NOW.getTime() + commitDelay), 48 * HOUR);
      await later.engine.afterCommit(events);
      const scheduled = later.scheduled.flat().map((w) => w.caseId);
      expect(scheduled.length).toBeGreaterThan(100);
      expect(
        scheduled.filter((caseId) => !kept.some((event) => event.streamName === `case-${caseId}`)),
      ).toEqual([]);
    }
  });
});
