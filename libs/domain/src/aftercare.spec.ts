import type { CaseEvent } from './events';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import { cmd, context, given, history, openCase } from './test-support';

const place = (occurredAt: string, placementId = 'pl-1') =>
  cmd('StartPlacement', { placementId }, occurredAt);
const request = (occurredAt: string, requestId = 'r-1') => cmd('RequestAftercare', { requestId }, occurredAt);
const grant = (occurredAt: string, startDate: string, requestId: string | null = null) =>
  cmd(
    'GrantAftercare',
    { aftercareId: 'a-1', requestId, startDate, content: 'Contact person until 20' },
    occurredAt,
  );
const then = (events: CaseEvent[], ...commands: Parameters<typeof history>[0]) => {
  let all = events;
  for (const command of commands) all = [...all, ...given(all).when(command).events];
  return all;
};
const openedFor = (birthDate: string) => history([openCase(birthDate, '2012-01-01T09:00:00.000Z')]);

describe('AC-ASSESS: decide on aftercare no later than 6 months before the 18th birthday', () => {
  it('18th birthday 31 August 2028: due 29 February 2028 (clamped to the month end), SEL variant for a 2020 placement', () => {
    const [assess] = given(openedFor('2010-08-31'))
      .when(place('2020-01-06T10:00:00.000Z'))
      .opened('AC-ASSESS');
    expect(assess).toMatchObject({
      obligationId: 'AC-ASSESS:case',
      variant: 'placement-sel-76',
      dueDate: '2028-02-29',
      dueAt: '2028-02-29T23:00:00.000Z',
      dueClamped: false,
    });
  });

  it('born 29 February 2008: the 18th birthday is 1 March 2026, so due 1 September 2025 (Barnets lov § 111)', () => {
    const [assess] = given(openedFor('2008-02-29'))
      .when(place('2024-02-01T10:00:00.000Z'))
      .opened('AC-ASSESS');
    expect(assess).toMatchObject({ variant: 'placement-barnets-lov-111', dueDate: '2025-09-01' });
  });

  it('born 29 February 2008 with the 28 February rule: due 28 August 2025', () => {
    const pack = { ...DK_YOUTH_PACK, leapDayBirthdayRule: 'february-28' as const };
    const outcome = given(openedFor('2008-02-29')).when(
      place('2024-02-01T10:00:00.000Z'),
      context('2024-02-01T10:00:00.000Z', '101', pack),
    );
    expect(outcome.opened('AC-ASSESS')[0]).toMatchObject({ dueDate: '2025-08-28' });
  });

  it('a placement after the due date is due at the end of its own local day, flagged as clamped', () => {
    const [assess] = given(openedFor('2008-05-10'))
      .when(place('2026-03-01T10:00:00.000Z'))
      .opened('AC-ASSESS');
    expect(assess).toMatchObject({ dueDate: '2026-03-01', dueClamped: true });
  });

  it('opens nothing for a placement on or after the 18th birthday', () => {
    expect(given(openedFor('2008-05-10')).when(place('2026-05-10T10:00:00.000Z')).opened()).toEqual([]);
  });

  it('opens once per case: a contact person after a placement adds no second assessment', () => {
    const events = history([
      openCase('2010-08-31', '2012-01-01T09:00:00.000Z'),
      place('2020-01-06T10:00:00.000Z'),
      cmd('DecideContactPerson', { measureId: 'm-1' }, '2020-02-01T10:00:00.000Z'),
    ]);
    const outcome = given(events).when(
      cmd('StartContactPerson', { measureId: 'm-1' }, '2020-02-05T10:00:00.000Z'),
    );
    expect(outcome.opened('AC-ASSESS')).toEqual([]);
  });

  it('the contact-person variant has basis guidance', () => {
    const events = history([
      openCase('2010-08-31', '2012-01-01T09:00:00.000Z'),
      cmd('DecideContactPerson', { measureId: 'm-1' }, '2020-02-01T10:00:00.000Z'),
    ]);
    const outcome = given(events).when(
      cmd('StartContactPerson', { measureId: 'm-1' }, '2020-02-05T10:00:00.000Z'),
    );
    expect(outcome.opened('AC-ASSESS')[0]).toMatchObject({
      variant: 'contact-person-guidance',
      basis: 'guidance',
    });
  });

  it('is cancelled when the placement ends and the youth has no contact person; a new placement re-opens it', () => {
    const events = history([
      openCase('2010-08-31', '2012-01-01T09:00:00.000Z'),
      place('2020-01-06T10:00:00.000Z'),
    ]);
    const ended = given(events).when(
      cmd('EndPlacement', { placementId: 'pl-1', reason: 'home' }, '2021-01-06T10:00:00.000Z'),
    );
    expect(ended.events[1]).toMatchObject({
      type: 'ObligationCancelled',
      data: {
        obligationId: 'AC-ASSESS:case',
        reason: 'the youth is no longer placed and has no contact person',
      },
    });
    const replaced = given([...events, ...ended.events]).when(place('2022-01-06T10:00:00.000Z', 'pl-2'));
    expect(replaced.opened('AC-ASSESS')[0]).toMatchObject({ obligationId: 'AC-ASSESS:case:2' });
  });

  it('stays open when the placement ends but a contact person is active', () => {
    const events = history([
      openCase('2010-08-31', '2012-01-01T09:00:00.000Z'),
      place('2020-01-06T10:00:00.000Z'),
      cmd('DecideContactPerson', { measureId: 'm-1' }, '2020-02-01T10:00:00.000Z'),
      cmd('StartContactPerson', { measureId: 'm-1' }, '2020-02-05T10:00:00.000Z'),
    ]);
    const ended = given(events).when(
      cmd('EndPlacement', { placementId: 'pl-1' }, '2021-01-06T10:00:00.000Z'),
    );
    expect(ended.types()).toEqual(['PlacementEnded']);
    const cpEnded = given([...events, ...ended.events]).when(
      cmd('EndContactPerson', { measureId: 'm-1', reason: 'youth-declined' }, '2021-02-06T10:00:00.000Z'),
    );
    expect(cpEnded.events.map((e) => (e.data as { obligationId?: string }).obligationId)).toContain(
      'AC-ASSESS:case',
    );
  });

  it('is fulfilled by an aftercare decision, offered with content or not offered with reasoning', () => {
    const events = history([
      openCase('2010-08-31', '2012-01-01T09:00:00.000Z'),
      place('2020-01-06T10:00:00.000Z'),
    ]);
    const offered = given(events).when(
      cmd(
        'AssessAftercare',
        { offered: true, content: 'Stay in foster family until 19' },
        '2028-01-10T10:00:00.000Z',
      ),
    );
    expect(offered.events[1]).toMatchObject({ type: 'ObligationFulfilled', data: { onTime: true } });
    const notOffered = given(events).when(
      cmd(
        'AssessAftercare',
        { offered: false, reasoning: 'Moves abroad with parents' },
        '2028-03-10T10:00:00.000Z',
      ),
    );
    expect(notOffered.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { onTime: false, late: true },
    });
    given(events)
      .when(cmd('AssessAftercare', { offered: true }, '2028-01-10T10:00:00.000Z'))
      .thenFails('content-required');
    given(events)
      .when(cmd('AssessAftercare', { offered: false }, '2028-01-10T10:00:00.000Z'))
      .thenFails('reasoning-required');
    given(events)
      .when(
        cmd('AssessAftercare', { offered: true, content: 'x', requestId: 'r-9' }, '2028-01-10T10:00:00.000Z'),
      )
      .thenFails('request-not-found');
  });
});

describe('AC-DECIDE: decide on a request within the processing time', () => {
  it('is due 30 days after the request by default', () => {
    const [decide] = given(openedFor('2006-05-10'))
      .when(request('2025-03-25T10:00:00.000Z'))
      .opened('AC-DECIDE');
    expect(decide).toMatchObject({ dueDate: '2025-04-24', basis: 'municipal-standard' });
  });

  it("uses the municipality's published processing time", () => {
    const pack = { ...DK_YOUTH_PACK, municipalities: { '461': { aftercareProcessingDays: 14 } } };
    const outcome = given(
      history([openCase('2006-05-10', '2012-01-01T09:00:00.000Z', '461')], '461', pack),
    ).when(request('2025-03-25T10:00:00.000Z'), context('2025-03-25T10:00:00.000Z', '461', pack));
    expect(outcome.opened('AC-DECIDE')[0]).toMatchObject({ dueDate: '2025-04-08', municipality: '461' });
  });

  it('a request on the 23rd birthday is recorded and opens nothing, with the reason', () => {
    const outcome = given(openedFor('2002-05-10')).when(request('2025-05-09T22:30:00.000Z'));
    expect(outcome.types()).toEqual(['AftercareRequested', 'ObligationNotOpened']);
    expect(outcome.events[1].data).toMatchObject({
      ruleId: 'AC-DECIDE',
      reason: 'age-23-or-over-at-request',
    });
  });

  it('is cancelled when the youth declines, and a request may come again after a refusal', () => {
    const events = history([
      openCase('2006-05-10', '2012-01-01T09:00:00.000Z'),
      request('2025-03-25T10:00:00.000Z'),
    ]);
    const declined = given(events).when(
      cmd('RecordAftercareDeclined', { note: 'Wants to manage alone' }, '2025-03-30T10:00:00.000Z'),
    );
    expect(declined.events[1]).toMatchObject({
      type: 'ObligationCancelled',
      data: { obligationId: 'AC-DECIDE:request:r-1', reason: 'the youth declined aftercare' },
    });
    const again = given([...events, ...declined.events]).when(request('2026-01-10T10:00:00.000Z', 'r-2'));
    expect(again.opened('AC-DECIDE')).toHaveLength(1);
    given(events).when(request('2026-01-10T10:00:00.000Z')).thenFails('duplicate-id');
    given(events)
      .when(cmd('RecordAftercareDeclined', { requestId: 'r-404' }, '2025-03-30T10:00:00.000Z'))
      .thenFails('request-not-found');
  });
});

describe('AC-END and the aftercare window [18th birthday, 23rd birthday)', () => {
  it('granting fulfils the request and opens AC-END at the end of the day before the 23rd birthday', () => {
    const events = history([
      openCase('2006-05-10', '2012-01-01T09:00:00.000Z'),
      request('2025-03-25T10:00:00.000Z'),
    ]);
    const outcome = given(events).when(grant('2025-04-01T10:00:00.000Z', '2025-04-15', 'r-1'));
    expect(outcome.types()).toEqual(['AftercareGranted', 'ObligationFulfilled', 'ObligationOpened']);
    expect(outcome.opened('AC-END')[0]).toMatchObject({
      variant: 'barnets-lov-113-116',
      dueDate: '2029-05-09',
      dueAt: '2029-05-09T22:00:00.000Z',
    });
  });

  it('born 29 February 2008: the 23rd birthday is 1 March 2031, so AC-END is due at the end of 28 February 2031', () => {
    const outcome = given(openedFor('2008-02-29')).when(grant('2026-03-10T10:00:00.000Z', '2026-03-10'));
    expect(outcome.opened('AC-END')[0]).toMatchObject({
      dueDate: '2031-02-28',
      dueAt: '2031-02-28T23:00:00.000Z',
    });
  });

  it('refuses, with no events, aftercare starting on the 23rd birthday (29 February births: 1 March)', () => {
    given(openedFor('2008-02-29'))
      .when(grant('2031-02-20T10:00:00.000Z', '2031-03-01'))
      .thenFails('aftercare-window-closed');
    expect(
      given(openedFor('2008-02-29')).when(grant('2031-02-20T10:00:00.000Z', '2031-02-28')).result.ok,
    ).toBe(true);
  });

  it('with the 28 February rule the 23rd birthday of a 29 February youth is 28 February', () => {
    const pack = { ...DK_YOUTH_PACK, leapDayBirthdayRule: 'february-28' as const };
    given(openedFor('2008-02-29'))
      .when(grant('2031-02-20T10:00:00.000Z', '2031-02-28'), context('2031-02-20T10:00:00.000Z', '101', pack))
      .thenFails('aftercare-window-closed');
  });

  it('refuses a grant decided on or after the 23rd birthday, and a start before the 18th birthday', () => {
    given(openedFor('2002-05-10'))
      .when(grant('2025-05-10T10:00:00.000Z', '2025-05-01'))
      .thenFails('aftercare-window-closed');
    given(openedFor('2008-05-10'))
      .when(grant('2026-01-10T10:00:00.000Z', '2026-05-09'))
      .thenFails('aftercare-window-not-open');
    given(openedFor('2008-05-10'))
      .when(grant('2026-01-10T10:00:00.000Z', '2026-13-01'))
      .thenFails('invalid-date');
  });

  it('ending aftercare fulfils AC-END; it cannot end twice or when unknown', () => {
    const events = then(openedFor('2006-05-10'), grant('2025-04-01T10:00:00.000Z', '2025-04-15'));
    const ended = given(events).when(
      cmd('EndAftercare', { aftercareId: 'a-1', reason: 'Moved out' }, '2027-01-01T10:00:00.000Z'),
    );
    expect(ended.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { obligationId: 'AC-END:aftercare:a-1', onTime: true },
    });
    given([...events, ...ended.events])
      .when(cmd('EndAftercare', { aftercareId: 'a-1' }, '2027-01-02T10:00:00.000Z'))
      .thenFails('aftercare-already-ended');
    given(events)
      .when(cmd('EndAftercare', { aftercareId: 'a-2' }, '2027-01-02T10:00:00.000Z'))
      .thenFails('aftercare-not-found');
    given(events)
      .when(cmd('EndAftercare', { aftercareId: '' }, '2027-01-02T10:00:00.000Z'))
      .thenFails('invalid-id');
  });
});
