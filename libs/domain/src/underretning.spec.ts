import type { CaseEvent } from './events';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import type { RulePack } from './rules/types';
import { cmd, context, given, history, openCase } from './test-support';

/** 461 rolls every rule forward and treats 24 and 31 December as non-working: the 24 hours must not move. */
const PACK: RulePack = {
  ...DK_YOUTH_PACK,
  municipalities: {
    ...DK_YOUTH_PACK.municipalities,
    '461': { rollForward: 'all', extraNonWorkingDays: ['christmas-eve', 'new-years-eve'] },
  },
};

const opened = (municipality = '101') =>
  history([openCase('2012-05-10', '2013-01-01T09:00:00.000Z', municipality)], municipality, PACK);
const receive = (occurredAt: string, notificationId = 'u-1') =>
  cmd('RecordNotificationOfConcern', { notificationId }, occurredAt);
const assess = (occurredAt: string, notificationId = 'u-1', reasoning = 'No acute risk') =>
  cmd('AssessNotificationOfConcern', { notificationId, acuteMeasuresNeeded: false, reasoning }, occurredAt);
const received = (occurredAt: string, municipality = '101'): CaseEvent[] => {
  const events = opened(municipality);
  return [
    ...events,
    ...given(events).when(receive(occurredAt), context(occurredAt, municipality, PACK)).events,
  ];
};
const assessmentDue = (occurredAt: string, municipality = '101') =>
  given(opened(municipality))
    .when(receive(occurredAt), context(occurredAt, municipality, PACK))
    .opened('UNDERRETNING-ASSESS')[0];

describe('UNDERRETNING-ASSESS: a notification of concern is assessed within 24 hours of receipt', () => {
  it('is due at the receipt instant + 24 hours, not at the end of a local day', () => {
    expect(assessmentDue('2025-06-11T08:15:00.000Z')).toMatchObject({
      obligationId: 'UNDERRETNING-ASSESS:notification:u-1',
      variant: 'barnets-lov-136',
      subject: { kind: 'notification', id: 'u-1' },
      dueAt: '2025-06-12T08:15:00.000Z',
      dueDate: '2025-06-12',
      strictDueAt: '2025-06-12T08:15:00.000Z',
      rolledDueAt: null,
      dueClamped: false,
      // Warned 6 hours before the due instant, not at the start of a local day.
      warnAt: '2025-06-12T02:15:00.000Z',
    });
  });

  it('across the spring DST change: received 12:00 CET on 29 March 2025, due 13:00 CEST on 30 March (24 real hours)', () => {
    expect(assessmentDue('2025-03-29T11:00:00.000Z')).toMatchObject({
      dueAt: '2025-03-30T11:00:00.000Z',
      dueDate: '2025-03-30',
    });
  });

  it('across the autumn DST change: received 12:00 CEST on 25 October 2025, due 11:00 CET on 26 October', () => {
    expect(assessmentDue('2025-10-25T10:00:00.000Z')).toMatchObject({
      dueAt: '2025-10-26T10:00:00.000Z',
      dueDate: '2025-10-26',
    });
  });

  it('over a leap day and a month end: received 23:30 on 28 February 2024, due 23:30 on 29 February', () => {
    expect(assessmentDue('2024-02-28T22:30:00.000Z')).toMatchObject({
      dueAt: '2024-02-29T22:30:00.000Z',
      dueDate: '2024-02-29',
    });
    expect(assessmentDue('2024-02-29T22:30:00.000Z')).toMatchObject({ dueDate: '2024-03-01' });
  });

  it('is never rolled to a working day, even where the municipality rolls every rule forward', () => {
    // Christmas Eve (an extra non-working day in 461) into Christmas Day, a public holiday.
    expect(assessmentDue('2025-12-24T09:00:00.000Z', '461')).toMatchObject({
      dueAt: '2025-12-25T09:00:00.000Z',
      dueDate: '2025-12-25',
      rolledDueAt: null,
      rolledDueDate: null,
    });
    // New Year's Eve into New Year's Day, over the year end.
    expect(assessmentDue('2025-12-31T15:00:00.000Z', '461')).toMatchObject({
      dueAt: '2026-01-01T15:00:00.000Z',
      rolledDueAt: null,
    });
  });

  it('an assessment a millisecond before the due is on time; one at the due instant is late', () => {
    const events = received('2025-06-11T08:15:00.000Z');
    given(events)
      .when(assess('2025-06-12T08:14:59.999Z'))
      .then([
        {
          type: 'NotificationOfConcernAssessed',
          data: { notificationId: 'u-1', acuteMeasuresNeeded: false, reasoning: 'No acute risk' },
          occurredAt: '2025-06-12T08:14:59.999Z',
        },
        {
          type: 'ObligationFulfilled',
          data: {
            obligationId: 'UNDERRETNING-ASSESS:notification:u-1',
            onTime: true,
            late: false,
            by: { type: 'NotificationOfConcernAssessed', key: 'u-1@2025-06-12T08:14:59.999Z' },
            fulfilledAt: '2025-06-12T08:14:59.999Z',
          },
          occurredAt: '2025-06-12T08:14:59.999Z',
        },
      ]);
    const late = given(events).when(assess('2025-06-12T08:15:00.000Z'));
    expect(late.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { onTime: false, late: true },
    });
  });

  it('the scheduler breaches it at the due instant, and warns 6 hours before', () => {
    const events = received('2025-06-11T08:15:00.000Z');
    const check = (at: string) =>
      given(events).when(
        cmd('CheckObligation', { obligationId: 'UNDERRETNING-ASSESS:notification:u-1' }, at),
      );
    expect(check('2025-06-12T02:14:59.999Z').types()).toEqual([]);
    expect(check('2025-06-12T02:15:00.000Z').types()).toEqual(['ObligationDueSoon']);
    expect(check('2025-06-12T08:15:00.000Z').events).toEqual([
      {
        type: 'ObligationBreached',
        data: {
          obligationId: 'UNDERRETNING-ASSESS:notification:u-1',
          dueAt: '2025-06-12T08:15:00.000Z',
          detectedAt: '2025-06-12T08:15:00.000Z',
        },
        occurredAt: '2025-06-12T08:15:00.000Z',
      },
    ]);
  });

  it('picks the variant by the local date of receipt: Serviceloven § 155 before 2024, Barnets lov from 1 January', () => {
    expect(assessmentDue('2023-12-31T22:30:00.000Z')).toMatchObject({ variant: 'sel-155' });
    expect(assessmentDue('2023-12-31T23:30:00.000Z')).toMatchObject({ variant: 'barnets-lov-136' });
  });

  it('opens nothing for a notification received before the 24-hour rule was in force (1 October 2013)', () => {
    const events = history([openCase('2005-05-10', '2013-09-01T09:00:00.000Z')]);
    expect(given(events).when(receive('2013-09-30T10:00:00.000Z')).types()).toEqual([
      'NotificationOfConcernReceived',
    ]);
  });

  it.each([
    ['an unknown notification', assess('2025-06-11T10:00:00.000Z', 'u-9'), 'notification-not-found'],
    ['an assessment before the receipt', assess('2025-06-11T08:14:59.999Z'), 'precedes-its-cause'],
    [
      'an assessment without reasoning',
      assess('2025-06-11T10:00:00.000Z', 'u-1', '  '),
      'reasoning-required',
    ],
    ['the same notification twice', receive('2025-06-11T10:00:00.000Z'), 'duplicate-id'],
    ['an id that is a CPR number', receive('2025-06-11T10:00:00.000Z', '0103101234'), 'id-looks-like-cpr'],
    [
      'acuteMeasuresNeeded that is not a boolean',
      cmd(
        'AssessNotificationOfConcern',
        { notificationId: 'u-1', acuteMeasuresNeeded: 'no' as never, reasoning: 'x' },
        '2025-06-11T10:00:00.000Z',
      ),
      'invalid-value',
    ],
  ])('refuses %s, with no events', (_what, command, code) => {
    given(received('2025-06-11T08:15:00.000Z')).when(command).thenFails(code);
  });

  it('refuses a second assessment of the same notification', () => {
    const events = received('2025-06-11T08:15:00.000Z');
    const first = given(events).when(assess('2025-06-11T12:00:00.000Z')).events;
    given([...events, ...first])
      .when(assess('2025-06-11T13:00:00.000Z'))
      .thenFails('notification-already-assessed');
  });
});
