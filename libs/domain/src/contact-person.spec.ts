import type { CaseEvent } from './events';
import { cmd, context, given, history, openCase } from './test-support';

const decide = (occurredAt: string, planRequired?: boolean, measureId = 'm-1') =>
  cmd(
    'DecideContactPerson',
    planRequired === undefined ? { measureId } : { measureId, planRequired },
    occurredAt,
  );
const start = (occurredAt: string, measureId = 'm-1') => cmd('StartContactPerson', { measureId }, occurredAt);
const followUp = (occurredAt: string, nextIntervalMonths?: number, measureId = 'm-1') =>
  cmd(
    'RecordFollowUp',
    nextIntervalMonths === undefined ? { measureId } : { measureId, nextIntervalMonths },
    occurredAt,
  );
const end = (occurredAt: string) =>
  cmd('EndContactPerson', { measureId: 'm-1', reason: 'goal-met' }, occurredAt);

const YOUTH = '2005-04-01';
const past = (...rest: Parameters<typeof history>[0]) =>
  history([openCase(YOUTH, '2015-01-01T09:00:00.000Z'), ...rest]);
const later = (events: CaseEvent[], ...more: Parameters<typeof history>[0]) => {
  let all = events;
  for (const command of more) all = [...all, ...given(all).when(command).events];
  return all;
};

describe('CP-PLAN: action plan for a contact-person measure', () => {
  it('SEL § 140 for a decision on local 31 December 2023: before the measure starts, no date yet', () => {
    const [plan] = given(past()).when(decide('2023-12-31T22:30:00.000Z')).opened('CP-PLAN');
    expect(plan).toMatchObject({
      variant: 'sel-140',
      dueAt: null,
      citation: 'Serviceloven § 140 (contact person under § 52, stk. 3, nr. 6)',
    });
  });

  it('Barnets lov § 91 for a decision at 2023-12-31T23:30Z (local 1 January 2024): decision + 3 months', () => {
    const [plan] = given(past()).when(decide('2023-12-31T23:30:00.000Z')).opened('CP-PLAN');
    expect(plan).toMatchObject({ variant: 'barnets-lov-91', dueDate: '2024-04-01' });
  });

  it('Barnets lov: no plan obligation where the municipality decides not to make one', () => {
    expect(given(past()).when(decide('2024-03-01T10:00:00.000Z', false)).opened('CP-PLAN')).toEqual([]);
  });

  it('SEL: starting the measure without the plan breaches CP-PLAN at the start', () => {
    const events = past(decide('2023-05-01T10:00:00.000Z'));
    const outcome = given(events).when(
      start('2023-05-10T10:00:00.000Z'),
      context('2023-05-11T08:00:00.000Z'),
    );
    expect(outcome.events[1]).toEqual({
      type: 'ObligationBreached',
      data: {
        obligationId: 'CP-PLAN:measure:m-1',
        dueAt: '2023-05-10T10:00:00.000Z',
        detectedAt: '2023-05-11T08:00:00.000Z',
      },
      occurredAt: '2023-05-10T10:00:00.000Z',
    });
  });

  it('SEL: a plan adopted before the start fulfils CP-PLAN on time', () => {
    const events = past(decide('2023-05-01T10:00:00.000Z'));
    const outcome = given(events).when(
      cmd('AdoptPlan', { planId: 'p-1', measureId: 'm-1' }, '2023-05-05T10:00:00.000Z'),
    );
    expect(outcome.events[1].data).toMatchObject({ obligationId: 'CP-PLAN:measure:m-1', onTime: true });
  });
});

describe('CP-FOLLOWUP-1 and CP-FOLLOWUP-N: follow-ups (SEL § 70, Barnets lov § 95)', () => {
  it('the first follow-up is due 3 months after the start: 30 November + 3 months is 29 February in a leap year', () => {
    const [first] = given(past(decide('2023-11-01T10:00:00.000Z')))
      .when(start('2023-11-30T10:00:00.000Z'))
      .opened('CP-FOLLOWUP-1');
    expect(first).toMatchObject({
      variant: 'sel-70',
      dueDate: '2024-02-29',
      subject: { kind: 'measure', id: 'm-1' },
    });
  });

  it('SEL: the next follow-up is due 6 months after the previous one was done: 31 August + 6 months', () => {
    const events = past(decide('2023-05-01T10:00:00.000Z'), start('2023-06-01T10:00:00.000Z'));
    const outcome = given(events).when(followUp('2023-08-31T10:00:00.000Z', 3));
    expect(outcome.types()).toEqual(['FollowUpRecorded', 'ObligationFulfilled', 'ObligationOpened']);
    // SEL does not let the municipality set the interval: the 3 months are recorded but not used.
    expect(outcome.opened('CP-FOLLOWUP-N')[0]).toMatchObject({
      obligationId: 'CP-FOLLOWUP-N:measure:m-1:2',
      variant: 'sel-70',
      dueDate: '2024-02-29',
    });
  });

  it('counts from when the previous follow-up was actually done, not from its due date', () => {
    const events = past(decide('2025-01-02T10:00:00.000Z'), start('2025-01-10T10:00:00.000Z'));
    const outcome = given(events).when(followUp('2025-05-20T10:00:00.000Z'));
    expect(outcome.events[1].data).toMatchObject({ onTime: false, late: true });
    expect(outcome.opened('CP-FOLLOWUP-N')[0]).toMatchObject({
      variant: 'barnets-lov-95',
      dueDate: '2025-11-20',
    });
  });

  it('Barnets lov: the interval decided at the first follow-up applies to the following ones', () => {
    const events = later(
      past(decide('2025-01-02T10:00:00.000Z'), start('2025-01-10T10:00:00.000Z')),
      followUp('2025-04-01T10:00:00.000Z', 4),
    );
    const due = events.filter((e) => e.type === 'ObligationOpened').at(-1);
    expect(due?.data).toMatchObject({ ruleId: 'CP-FOLLOWUP-N', dueDate: '2025-08-01' });
    const next = given(events).when(followUp('2025-07-15T10:00:00.000Z')).opened('CP-FOLLOWUP-N')[0];
    expect(next).toMatchObject({ obligationId: 'CP-FOLLOWUP-N:measure:m-1:3', dueDate: '2025-11-15' });
  });

  it('ending the measure cancels its open follow-up obligations', () => {
    const events = past(decide('2025-01-02T10:00:00.000Z'), start('2025-01-10T10:00:00.000Z'));
    const outcome = given(events).when(end('2025-02-01T10:00:00.000Z'));
    expect(outcome.types()).toEqual(['ContactPersonEnded', 'ObligationCancelled', 'ObligationCancelled']);
    expect(outcome.events[1].data).toMatchObject({
      obligationId: 'CP-PLAN:measure:m-1',
      reason: 'the contact-person measure ended (goal-met)',
    });
    expect(outcome.events[2].data).toMatchObject({ obligationId: 'CP-FOLLOWUP-1:measure:m-1' });
  });

  it('a follow-up recorded late for a time before the end opens no next follow-up', () => {
    const events = later(
      past(decide('2025-01-02T10:00:00.000Z'), start('2025-01-10T10:00:00.000Z')),
      end('2025-04-01T10:00:00.000Z'),
    );
    expect(given(events).when(followUp('2025-03-30T10:00:00.000Z')).types()).toEqual(['FollowUpRecorded']);
  });

  it('refuses a follow-up for a measure that does not exist, has not started or had ended', () => {
    const decided = past(decide('2025-01-02T10:00:00.000Z'));
    given(decided)
      .when(followUp('2025-02-01T10:00:00.000Z', undefined, 'm-404'))
      .thenFails('measure-not-found');
    given(decided).when(followUp('2025-02-01T10:00:00.000Z')).thenFails('measure-not-started');
    const ended = later(decided, start('2025-01-10T10:00:00.000Z'), end('2025-03-01T10:00:00.000Z'));
    given(ended).when(followUp('2025-03-02T10:00:00.000Z')).thenFails('measure-ended');
    given(ended).when(followUp('2025-02-02T10:00:00.000Z', 0)).thenFails('invalid-interval');
    given(ended).when(followUp('2025-02-02T10:00:00.000Z', 1.5)).thenFails('invalid-interval');
    given(ended)
      .when(followUp('2025-02-02T10:00:00.000Z', undefined, 'not ok'))
      .thenFails('invalid-id');
  });

  it('refuses to start a measure twice, before its decision, after its end, or when unknown', () => {
    const decided = past(decide('2025-01-02T10:00:00.000Z'));
    given(decided).when(start('2025-01-01T10:00:00.000Z')).thenFails('precedes-its-cause');
    given(decided).when(start('2025-01-03T10:00:00.000Z', 'm-2')).thenFails('measure-not-found');
    const started = later(decided, start('2025-01-10T10:00:00.000Z'));
    given(started).when(start('2025-01-11T10:00:00.000Z')).thenFails('measure-already-started');
    const endedEarly = later(decided, end('2025-01-05T10:00:00.000Z'));
    given(endedEarly).when(start('2025-01-11T10:00:00.000Z')).thenFails('measure-ended');
    given(endedEarly).when(end('2025-01-06T10:00:00.000Z')).thenFails('measure-already-ended');
  });

  it('refuses an end before the start, an unknown reason, or reason other without a note', () => {
    const started = past(decide('2025-01-02T10:00:00.000Z'), start('2025-01-10T10:00:00.000Z'));
    given(started).when(end('2025-01-09T10:00:00.000Z')).thenFails('precedes-its-cause');
    given(started)
      .when(
        cmd('EndContactPerson', { measureId: 'm-1', reason: 'bored' as never }, '2025-02-01T10:00:00.000Z'),
      )
      .thenFails('invalid-value');
    given(started)
      .when(cmd('EndContactPerson', { measureId: 'm-1', reason: 'other' }, '2025-02-01T10:00:00.000Z'))
      .thenFails('note-required');
    given(started)
      .when(decide('2025-02-01T10:00:00.000Z', 'yes' as never, 'm-2'))
      .thenFails('invalid-value');
    given(started).when(decide('2025-02-01T10:00:00.000Z')).thenFails('duplicate-id');
  });
});

describe('CP-STATUS: half-yearly status statement (municipal standard, Esbjerg)', () => {
  const esbjerg = (...rest: Parameters<typeof history>[0]) =>
    history([openCase(YOUTH, '2015-01-01T09:00:00.000Z', '561'), ...rest], '561');

  it('is opened only where the municipality switched it on, every 6 months from the start', () => {
    const inCopenhagen = given(past(decide('2019-01-02T10:00:00.000Z'))).when(
      start('2019-01-10T10:00:00.000Z'),
    );
    expect(inCopenhagen.opened('CP-STATUS')).toEqual([]);
    const events = esbjerg(decide('2019-01-02T10:00:00.000Z'));
    const inEsbjerg = given(events).when(start('2019-01-10T10:00:00.000Z'));
    expect(inEsbjerg.opened('CP-STATUS')[0]).toMatchObject({
      obligationId: 'CP-STATUS:measure:m-1:1',
      basis: 'municipal-standard',
      dueDate: '2019-07-10',
    });
  });

  it("is fulfilled by a statement with the youth's own words; the next period follows from the start", () => {
    const events = esbjerg(decide('2019-01-02T10:00:00.000Z'), start('2019-01-10T10:00:00.000Z'));
    const submit = (occurredAt: string, words = 'Jeg har fået et fritidsjob') =>
      cmd('SubmitStatusStatement', { measureId: 'm-1', youthOwnWords: words }, occurredAt);
    const onTime = given(events).when(submit('2019-07-01T10:00:00.000Z'));
    expect(onTime.opened('CP-STATUS')[0]).toMatchObject({
      obligationId: 'CP-STATUS:measure:m-1:2',
      dueDate: '2020-01-10',
    });
    // More than a period late: the next statement is the first period still ahead.
    const late = given(events).when(submit('2020-02-01T10:00:00.000Z'));
    expect(late.opened('CP-STATUS')[0]).toMatchObject({
      obligationId: 'CP-STATUS:measure:m-1:3',
      dueDate: '2020-07-10',
    });
    given(events).when(submit('2019-07-01T10:00:00.000Z', '  ')).thenFails('youth-own-words-required');
  });

  it('ending the measure cancels the open status statement', () => {
    const events = esbjerg(decide('2019-01-02T10:00:00.000Z'), start('2019-01-10T10:00:00.000Z'));
    const outcome = given(events).when(end('2019-03-01T10:00:00.000Z'));
    expect(outcome.types()).toContain('ObligationCancelled');
    expect(
      outcome.events
        .filter((e) => e.type === 'ObligationCancelled')
        .map((e) => (e.data as { obligationId: string }).obligationId),
    ).toContain('CP-STATUS:measure:m-1:1');
    const ended = [...events, ...outcome.events];
    expect(
      given(ended)
        .when(
          cmd(
            'SubmitStatusStatement',
            { measureId: 'm-1', youthOwnWords: 'Tak' },
            '2019-02-01T10:00:00.000Z',
          ),
        )
        .types(),
    ).toEqual(['StatusStatementSubmitted']);
  });
});
