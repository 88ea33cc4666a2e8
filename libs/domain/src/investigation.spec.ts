import type { CaseEvent } from './events';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import type { RulePack } from './rules/types';
import { cmd, context, given, history, openCase } from './test-support';

const PACK: RulePack = {
  ...DK_YOUTH_PACK,
  municipalities: { ...DK_YOUTH_PACK.municipalities, '461': { rollForward: ['BFU-COMPLETE'] } },
};

const start = (occurredAt: string, investigationId = 'i-1', notificationId: string | null = null) =>
  cmd('StartInvestigation', { investigationId, notificationId }, occurredAt);
const preliminary = (occurredAt: string, reasoning = 'Waiting for the psychologist') =>
  cmd('RecordPreliminaryAssessment', { investigationId: 'i-1', reasoning }, occurredAt);
const complete = (occurredAt: string, investigationId = 'i-1') =>
  cmd('CompleteInvestigation', { investigationId }, occurredAt);

/** Plays commands after opening the case, each decided at its own occurredAt. */
const play = (municipality: string, ...commands: Parameters<typeof history>[0]): CaseEvent[] =>
  history(
    [openCase('2012-05-10', '2013-01-01T09:00:00.000Z', municipality), ...commands],
    municipality,
    PACK,
  );
const started = (occurredAt: string, municipality = '101') =>
  given(history([openCase('2012-05-10', '2013-01-01T09:00:00.000Z', municipality)], municipality, PACK))
    .when(start(occurredAt), context(occurredAt, municipality, PACK))
    .opened('BFU-COMPLETE')[0];

describe('BFU-COMPLETE: a child welfare investigation is completed within 4 months of its start', () => {
  it('started 31 October 2024: due at the end of 28 February 2025 (4 months, clamped to the month end)', () => {
    expect(started('2024-10-31T10:00:00.000Z')).toMatchObject({
      obligationId: 'BFU-COMPLETE:investigation:i-1',
      variant: 'barnets-lov-20',
      citation: 'Barnets lov § 20, stk. 3, 1. pkt.',
      subject: { kind: 'investigation', id: 'i-1' },
      dueDate: '2025-02-28',
      dueAt: '2025-02-28T23:00:00.000Z',
    });
  });

  it('started 31 October 2023 (Serviceloven § 50): due at the end of the leap day 29 February 2024', () => {
    expect(started('2023-10-31T10:00:00.000Z')).toMatchObject({ variant: 'sel-50', dueDate: '2024-02-29' });
  });

  it('across the spring DST change: started 30 November 2025, due at 00:00 CEST on 31 March 2026', () => {
    expect(started('2025-11-30T10:00:00.000Z')).toMatchObject({
      dueDate: '2026-03-30',
      dueAt: '2026-03-30T22:00:00.000Z',
    });
  });

  it('over Christmas where the municipality rolls it forward: due 25 December 2025, rolled to Monday 29 December', () => {
    expect(started('2025-08-25T10:00:00.000Z', '461')).toMatchObject({
      strictDueDate: '2025-12-25',
      rolledDueDate: '2025-12-29',
      dueDate: '2025-12-29',
      dueAt: '2025-12-29T23:00:00.000Z',
    });
  });

  it('completing the investigation in time fulfils it', () => {
    const events = play('101', start('2025-01-10T10:00:00.000Z'));
    const done = given(events).when(complete('2025-04-01T10:00:00.000Z'));
    expect(done.types()).toEqual(['InvestigationCompleted', 'ObligationFulfilled']);
    expect(done.events[1]).toMatchObject({
      data: { obligationId: 'BFU-COMPLETE:investigation:i-1', onTime: true },
    });
  });

  it('a preliminary assessment by the 4 months fulfils it, and the open investigation gets its own follow-up', () => {
    const events = play('101', start('2025-01-10T10:00:00.000Z'));
    const outcome = given(events).when(preliminary('2025-05-09T10:00:00.000Z'));
    expect(outcome.types()).toEqual([
      'PreliminaryAssessmentRecorded',
      'ObligationFulfilled',
      'ObligationOpened',
    ]);
    expect(outcome.events[1]).toMatchObject({
      data: { obligationId: 'BFU-COMPLETE:investigation:i-1', onTime: true },
    });
    expect(outcome.opened('BFU-COMPLETE')[0]).toMatchObject({
      obligationId: 'BFU-COMPLETE:investigation:i-1:2',
      variant: 'after-preliminary-assessment',
      dueDate: '2025-06-08',
    });
    const after = [...events, ...outcome.events];
    const done = given(after).when(complete('2025-06-01T10:00:00.000Z'));
    expect(done.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { obligationId: 'BFU-COMPLETE:investigation:i-1:2', onTime: true },
    });
  });

  it('an investigation with neither by the 4 months is breached; a late preliminary assessment is recorded as late', () => {
    const events = play('101', start('2025-01-10T10:00:00.000Z'));
    const breach = given(events).when(
      cmd('CheckObligation', { obligationId: 'BFU-COMPLETE:investigation:i-1' }, '2025-05-10T22:00:00.000Z'),
    );
    expect(breach.events).toEqual([
      {
        type: 'ObligationBreached',
        data: {
          obligationId: 'BFU-COMPLETE:investigation:i-1',
          dueAt: '2025-05-10T22:00:00.000Z',
          detectedAt: '2025-05-10T22:00:00.000Z',
        },
        occurredAt: '2025-05-10T22:00:00.000Z',
      },
    ]);
    const late = given([...events, ...breach.events]).when(preliminary('2025-05-20T10:00:00.000Z'));
    expect(late.events[1]).toMatchObject({ data: { onTime: false, late: true } });
  });

  it('starting an investigation from a notification does not count as the 24-hour assessment', () => {
    const events = play(
      '101',
      cmd('RecordNotificationOfConcern', { notificationId: 'u-1' }, '2025-01-10T08:00:00.000Z'),
    );
    const outcome = given(events).when(start('2025-01-10T09:00:00.000Z', 'i-1', 'u-1'));
    expect(outcome.types()).toEqual(['InvestigationStarted', 'ObligationOpened']);
    expect(outcome.events[0].data).toEqual({ investigationId: 'i-1', notificationId: 'u-1' });
  });

  it.each([
    [
      'completing an unknown investigation',
      complete('2025-02-01T10:00:00.000Z', 'i-9'),
      'investigation-not-found',
    ],
    ['completing before the start', complete('2025-01-10T09:59:59.999Z'), 'precedes-its-cause'],
    [
      'a preliminary assessment without reasoning',
      preliminary('2025-02-01T10:00:00.000Z', ''),
      'reasoning-required',
    ],
    ['starting it twice', start('2025-02-01T10:00:00.000Z'), 'duplicate-id'],
    [
      'a start from an unknown notification',
      start('2025-02-01T10:00:00.000Z', 'i-2', 'u-9'),
      'notification-not-found',
    ],
  ])('refuses %s, with no events', (_what, command, code) => {
    given(play('101', start('2025-01-10T10:00:00.000Z')))
      .when(command)
      .thenFails(code);
  });

  it('refuses anything after the completion, and a second preliminary assessment', () => {
    const done = play('101', start('2025-01-10T10:00:00.000Z'), complete('2025-03-01T10:00:00.000Z'));
    given(done).when(complete('2025-03-02T10:00:00.000Z')).thenFails('investigation-already-completed');
    given(done).when(preliminary('2025-03-02T10:00:00.000Z')).thenFails('investigation-already-completed');
    const assessed = play('101', start('2025-01-10T10:00:00.000Z'), preliminary('2025-05-01T10:00:00.000Z'));
    given(assessed)
      .when(preliminary('2025-05-02T10:00:00.000Z'))
      .thenFails('preliminary-assessment-already-recorded');
  });
});
