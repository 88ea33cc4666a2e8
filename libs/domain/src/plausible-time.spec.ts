import type { CaseCommand } from './commands';
import type { DecideContext } from './context';
import { decideCase } from './decider';
import type { CaseEvent } from './events';
import { DEFAULT_CLOCK_SKEW_MS, earliestEffectiveDate, PLANNED_DATE_HORIZON_YEARS } from './plausible-time';
import { DK_YOUTH_PACK } from './rules/dk-youth';
import { cmd, context, fold, given, history, openCase } from './test-support';

/** The API's clock in these tests; facts are posted at it or before it. */
const NOW = '2026-03-25T12:00:00.000Z';
const BORN = '2010-03-01';
const at = (now: string, settings: Partial<DecideContext> = {}): DecideContext => ({
  ...context(now),
  ...settings,
});

const receive = (occurredAt: string, documentationId = 'doc-1') =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId, kind: 'interview-invitation', offenceCategories: ['robbery'] },
    occurredAt,
  );
const convene = (
  occurredAt: string,
  meetingDate: string,
  documentationId: string | null = 'doc-1',
  councilId = 'c-1',
) =>
  cmd(
    'ConveneCouncil',
    { councilId, documentationId, invitees: [{ role: 'youth' }], meetingDate },
    occurredAt,
  );
const held = (occurredAt: string) =>
  cmd('RecordCouncilHeld', { councilId: 'c-1', participants: [], agreements: [] }, occurredAt);
const decide = (occurredAt: string) => cmd('DecideContactPerson', { measureId: 'm-1' }, occurredAt);
const start = (occurredAt: string) => cmd('StartContactPerson', { measureId: 'm-1' }, occurredAt);
const request = (occurredAt: string) => cmd('RequestAftercare', { requestId: 'r-1' }, occurredAt);
const place = (occurredAt: string) => cmd('StartPlacement', { placementId: 'pl-1' }, occurredAt);

const opened = (birthDate = BORN, openedAt = '2020-01-01T09:00:00.000Z') =>
  history([openCase(birthDate, openedAt)]);

describe('rule 14: a fact in the future beyond the clock-skew tolerance is refused', () => {
  it('accepts a fact exactly at the default tolerance of 5 minutes and refuses one a millisecond later', () => {
    expect(DEFAULT_CLOCK_SKEW_MS).toBe(5 * 60_000);
    const edge = new Date(Date.parse(NOW) + DEFAULT_CLOCK_SKEW_MS).toISOString();
    const past = new Date(Date.parse(NOW) + DEFAULT_CLOCK_SKEW_MS + 1).toISOString();
    expect(given(opened()).when(receive(edge), at(NOW)).types()[0]).toBe('PoliceDocumentationReceived');
    const error = given(opened()).when(receive(past), at(NOW)).thenFails('occurred-in-future');
    expect(error.field).toBe('occurredAt');
    expect(error.message).toContain('5 min');
  });

  it.each([
    ['1 hour', '2026-03-25T13:00:00.000Z'],
    ['1 day', '2026-03-26T12:00:00.000Z'],
    ['1 year', '2027-03-25T12:00:00.000Z'],
    ['73 years (which would find the youth 18 or over and open nothing)', '2099-03-25T12:00:00.000Z'],
    ['to the last representable instant', '9999-12-31T22:59:59.999Z'],
  ])('refuses a police notification dated %s ahead', (_ahead, occurredAt) => {
    given(opened()).when(receive(occurredAt), at(NOW)).thenFails('occurred-in-future');
  });

  it('takes the tolerance from the context (FACT_CLOCK_SKEW): none at all, or an hour', () => {
    const second = '2026-03-25T12:00:01.000Z';
    given(opened())
      .when(receive(second), at(NOW, { clockSkewMs: 0 }))
      .thenFails('occurred-in-future');
    expect(given(opened()).when(receive(NOW), at(NOW, { clockSkewMs: 0 })).result.ok).toBe(true);
    const later = '2026-03-25T12:59:59.000Z';
    expect(given(opened()).when(receive(later), at(NOW, { clockSkewMs: 3_600_000 })).result.ok).toBe(true);
  });

  it('measures the tolerance in UTC, so a DST change inside it changes nothing', () => {
    // 2026-03-29 01:00Z is 02:00 local winter time, which becomes 03:00 summer time.
    const now = '2026-03-29T00:58:00.000Z';
    expect(given(opened()).when(receive('2026-03-29T01:03:00.000Z'), at(now)).result.ok).toBe(true);
    given(opened()).when(receive('2026-03-29T01:03:00.001Z'), at(now)).thenFails('occurred-in-future');
  });

  it('refuses a case opened in the future and a waiver dated in the future', () => {
    given([]).when(openCase(BORN, '2026-03-26T12:00:00.000Z'), at(NOW)).thenFails('occurred-in-future');
    const events = history([openCase(BORN), receive('2026-03-20T10:00:00.000Z')]);
    const waive = cmd(
      'WaiveObligation',
      {
        obligationId: 'NSR-CONVENE:documentation:doc-1',
        by: { actorId: 'sup-1', role: 'supervisor' },
        justification: 'Handled by the police',
      },
      '2026-03-26T12:00:00.000Z',
    );
    given(events).when(waive, at(NOW)).thenFails('occurred-in-future');
  });

  it("exempts the scheduler's CheckObligation, which is dated at its own now", () => {
    const events = history([openCase(BORN), receive('2026-03-10T10:00:00.000Z')]);
    const check = cmd('CheckObligation', { obligationId: 'NSR-CONVENE:documentation:doc-1' }, NOW);
    expect(
      given(events)
        .when(check, at(NOW, { clockSkewMs: 0 }))
        .types(),
    ).toEqual(['ObligationBreached']);
  });
});

describe('rule 14: a fact before the earliest fact date is refused', () => {
  it("defaults to the first day any rule of the pack is in effect (Serviceloven's, 1998-07-01)", () => {
    expect(earliestEffectiveDate(DK_YOUTH_PACK)).toBe('1998-07-01');
  });

  it.each([
    ['year 0001', '0001-01-01T00:00:00.000Z'],
    ['1899', '1899-06-01T10:00:00.000Z'],
    ['the last local instant before 1998-07-01 (summer time)', '1998-06-30T21:59:59.999Z'],
  ])('refuses a case opened in %s', (_when, occurredAt) => {
    const error = given([])
      .when(openCase('1990-01-01', occurredAt))
      .thenFails('occurred-before-earliest-date');
    expect(error.field).toBe('occurredAt');
  });

  it('accepts the first local instant of 1998-07-01, which is 22:00 UTC the day before', () => {
    expect(given([]).when(openCase('1990-01-01', '1998-06-30T22:00:00.000Z')).types()).toEqual([
      'CaseOpened',
    ]);
  });

  it('refuses a notification in 1899 that would otherwise be recorded for a case of the 1880s', () => {
    const events = given([]).when(
      openCase('1880-01-01', '1899-01-01T10:00:00.000Z'),
      at(NOW, { earliestFactDate: '1850-01-01' }),
    ).events;
    given(events)
      .when(receive('1899-06-01T10:00:00.000Z'), at(NOW))
      .thenFails('occurred-before-earliest-date');
  });

  it('takes the date from the context (EARLIEST_FACT_DATE), compared as a local date', () => {
    const ctx = at(NOW, { earliestFactDate: '2020-01-01' });
    given(opened('2010-03-01', '2020-01-01T09:00:00.000Z'))
      .when(receive('2019-12-31T22:59:59.999Z'), ctx)
      .thenFails('occurred-before-earliest-date');
    expect(given(opened()).when(receive('2019-12-31T23:00:00.000Z'), ctx).result.ok).toBe(true);
  });
});

describe("rule 14: a fact before the youth's birth is refused", () => {
  it('compares local dates: the last instant of the day before birth is refused, midnight accepted', () => {
    const error = given(opened())
      .when(place('2010-02-28T22:59:59.999Z'), at(NOW))
      .thenFails('occurred-before-birth');
    expect(error.field).toBe('occurredAt');
    expect(given(opened()).when(place('2010-02-28T23:00:00.000Z'), at(NOW)).result.ok).toBe(true);
  });

  it('takes a leap-day birth as it is: 28 February refused, 29 February accepted', () => {
    const leap = opened('2008-02-29');
    given(leap).when(place('2008-02-28T12:00:00.000Z'), at(NOW)).thenFails('occurred-before-birth');
    expect(given(leap).when(place('2008-02-29T12:00:00.000Z'), at(NOW)).result.ok).toBe(true);
  });

  it('on the spring DST day the local day starts at 23:00 UTC the day before', () => {
    const dst = opened('2025-03-30', '2025-04-01T09:00:00.000Z');
    given(dst).when(place('2025-03-29T22:59:59.999Z'), at(NOW)).thenFails('occurred-before-birth');
    expect(given(dst).when(place('2025-03-29T23:00:00.000Z'), at(NOW)).result.ok).toBe(true);
  });

  it('refuses a case opened before the birth date it gives, or for a birth date in the future', () => {
    const before = given([])
      .when(openCase('2020-06-01', '2020-05-31T10:00:00.000Z'), at(NOW))
      .thenFails('occurred-before-birth');
    expect(before.field).toBe('occurredAt');
    given([]).when(openCase('2030-01-01', NOW), at(NOW)).thenFails('occurred-before-birth');
    // Opened on the day of birth, local time: 23:30 UTC on 29 March is 30 March in Copenhagen.
    expect(given([]).when(openCase('2025-03-30', '2025-03-29T23:30:00.000Z'), at(NOW)).result.ok).toBe(true);
  });
});

/** A history and a command that answers something in it, dated before it, and the fact it answers. */
const PRECEDING: ReadonlyArray<[string, CaseCommand[], CaseCommand, string]> = [
  [
    'a convocation before the police documentation it answers (5 days)',
    [receive('2026-03-10T10:00:00.000Z')],
    convene('2026-03-05T10:00:00.000Z', '2026-03-12'),
    'PoliceDocumentationReceived doc-1',
  ],
  [
    'a target-group assessment before the documentation',
    [receive('2026-03-10T10:00:00.000Z')],
    cmd(
      'AssessTargetGroup',
      { documentationId: 'doc-1', inTargetGroup: true, reasoning: '' },
      '2026-03-09T10:00:00.000Z',
    ),
    'PoliceDocumentationReceived doc-1',
  ],
  [
    'a council held before its convocation',
    [receive('2026-03-10T10:00:00.000Z'), convene('2026-03-12T10:00:00.000Z', '2026-03-20')],
    held('2026-03-11T10:00:00.000Z'),
    'CouncilConvened c-1',
  ],
  [
    'a council recorded as not held before its convocation',
    [receive('2026-03-10T10:00:00.000Z'), convene('2026-03-12T10:00:00.000Z', '2026-03-20')],
    cmd('RecordCouncilNotHeld', { councilId: 'c-1', reason: 'no-show' }, '2026-03-11T10:00:00.000Z'),
    'CouncilConvened c-1',
  ],
  [
    'a council follow-up before the council was held',
    [
      receive('2026-01-10T10:00:00.000Z'),
      convene('2026-01-12T10:00:00.000Z', '2026-01-20'),
      held('2026-01-20T10:00:00.000Z'),
    ],
    cmd('RecordCouncilFollowUp', { councilId: 'c-1' }, '2026-01-19T10:00:00.000Z'),
    'CouncilHeld c-1',
  ],
  [
    'a contact person started before the decision',
    [decide('2026-01-10T10:00:00.000Z')],
    start('2026-01-09T10:00:00.000Z'),
    'ContactPersonDecided m-1',
  ],
  [
    'a follow-up before the measure started',
    [decide('2026-01-10T10:00:00.000Z'), start('2026-01-20T10:00:00.000Z')],
    cmd('RecordFollowUp', { measureId: 'm-1' }, '2026-01-19T10:00:00.000Z'),
    'ContactPersonStarted m-1',
  ],
  [
    'a status statement before the measure started',
    [decide('2026-01-10T10:00:00.000Z'), start('2026-01-20T10:00:00.000Z')],
    cmd('SubmitStatusStatement', { measureId: 'm-1', youthOwnWords: 'Fint' }, '2026-01-19T10:00:00.000Z'),
    'ContactPersonStarted m-1',
  ],
  [
    'a contact person ended before the start',
    [decide('2026-01-10T10:00:00.000Z'), start('2026-01-20T10:00:00.000Z')],
    cmd('EndContactPerson', { measureId: 'm-1', reason: 'goal-met' }, '2026-01-19T10:00:00.000Z'),
    'ContactPersonStarted m-1',
  ],
  [
    'a contact person ended, never started, before the decision',
    [decide('2026-01-10T10:00:00.000Z')],
    cmd('EndContactPerson', { measureId: 'm-1', reason: 'goal-met' }, '2026-01-09T10:00:00.000Z'),
    'ContactPersonDecided m-1',
  ],
  [
    'a placement ended before it started',
    [place('2026-01-10T10:00:00.000Z')],
    cmd('EndPlacement', { placementId: 'pl-1' }, '2026-01-09T10:00:00.000Z'),
    'PlacementStarted pl-1',
  ],
  [
    'an aftercare decision before the request it answers',
    [request('2026-03-10T10:00:00.000Z')],
    cmd(
      'AssessAftercare',
      { requestId: 'r-1', offered: false, reasoning: 'Not eligible' },
      '2026-03-09T10:00:00.000Z',
    ),
    'AftercareRequested r-1',
  ],
  [
    'aftercare granted before the request',
    [request('2026-03-10T10:00:00.000Z')],
    cmd(
      'GrantAftercare',
      { aftercareId: 'ac-1', requestId: 'r-1', startDate: '2028-03-01' },
      '2026-03-09T10:00:00.000Z',
    ),
    'AftercareRequested r-1',
  ],
  [
    'aftercare declined before the request',
    [request('2026-03-10T10:00:00.000Z')],
    cmd('RecordAftercareDeclined', { requestId: 'r-1' }, '2026-03-09T10:00:00.000Z'),
    'AftercareRequested r-1',
  ],
  [
    'aftercare ended before it was granted',
    [cmd('GrantAftercare', { aftercareId: 'ac-1', startDate: '2028-03-01' }, '2026-03-10T10:00:00.000Z')],
    cmd('EndAftercare', { aftercareId: 'ac-1' }, '2026-03-09T10:00:00.000Z'),
    'AftercareGranted ac-1',
  ],
  [
    'a plan adopted for a notification before its receipt',
    [receive('2026-03-10T10:00:00.000Z')],
    cmd('AdoptPlan', { planId: 'p-1', documentationId: 'doc-1' }, '2026-03-09T10:00:00.000Z'),
    'PoliceDocumentationReceived doc-1',
  ],
  [
    'a plan adopted for a council before its convocation',
    [receive('2026-03-10T10:00:00.000Z'), convene('2026-03-12T10:00:00.000Z', '2026-03-20')],
    cmd('AdoptPlan', { planId: 'p-1', councilId: 'c-1' }, '2026-03-11T10:00:00.000Z'),
    'CouncilConvened c-1',
  ],
  [
    'a plan adopted for a measure before its decision',
    [decide('2026-01-10T10:00:00.000Z')],
    cmd('AdoptPlan', { planId: 'p-1', measureId: 'm-1' }, '2026-01-09T10:00:00.000Z'),
    'ContactPersonDecided m-1',
  ],
  [
    'a plan revised before its adoption',
    [cmd('AdoptPlan', { planId: 'p-1' }, '2026-01-10T10:00:00.000Z')],
    cmd('RevisePlan', { planId: 'p-1', reason: 'changed-needs' }, '2026-01-09T10:00:00.000Z'),
    'PlanAdopted p-1',
  ],
  [
    'a plan revision assessed before the adoption',
    [cmd('AdoptPlan', { planId: 'p-1' }, '2026-01-10T10:00:00.000Z')],
    cmd(
      'AssessPlanRevision',
      { planId: 'p-1', occasion: 're-offence', outcome: 'no-change-needed', reasoning: 'Stable' },
      '2026-01-09T10:00:00.000Z',
    ),
    'PlanAdopted p-1',
  ],
  [
    'an obligation waived before it was opened',
    [receive('2026-03-10T10:00:00.000Z')],
    cmd(
      'WaiveObligation',
      {
        obligationId: 'NSR-CONVENE:documentation:doc-1',
        by: { actorId: 'sup-1', role: 'supervisor' },
        justification: 'Handled by the police',
      },
      '2026-03-09T10:00:00.000Z',
    ),
    'ObligationOpened NSR-CONVENE:documentation:doc-1',
  ],
];

describe('rule 14: a fact that answers another may not precede it', () => {
  const youth = '2008-06-15';

  it.each(PRECEDING)('refuses %s, naming the earlier fact', (_name, past, command, cause) => {
    const events = history([openCase(youth), ...past]);
    const error = given(events).when(command, at(NOW)).thenFails('precedes-its-cause');
    expect(error.field).toBe('occurredAt');
    expect(error.message).toContain(cause);
    expect(error.message).not.toMatch(/\d{6}-?\d{4}/);
  });

  it.each(PRECEDING)(
    '%s: the same fact dated at the very instant it answers is accepted',
    (_name, past, command) => {
      const events = history([openCase(youth), ...past]);
      const causeAt = past[past.length - 1].occurredAt;
      const result = decideCase({ ...command, occurredAt: causeAt }, fold(events), at(NOW));
      expect(result.ok ? 'ok' : result.error.code).toBe('ok');
    },
  );

  it('no longer lets a convocation dated before the documentation fulfil NSR-CONVENE as on time', () => {
    const events = history([openCase(youth), receive('2026-03-10T10:00:00.000Z')]);
    given(events)
      .when(convene('2026-03-05T10:00:00.000Z', '2026-03-12'), at(NOW))
      .thenFails('precedes-its-cause');
  });

  it('an unscoped convocation closes only obligations opened at or before it, in any posting order', () => {
    const notification = receive('2026-03-10T10:00:00.000Z');
    const earlier = convene('2026-03-05T10:00:00.000Z', '2026-03-12', null);
    const late = given(history([openCase(youth), notification])).when(earlier, at(NOW));
    expect(late.types()).not.toContain('ObligationFulfilled');
    const inOrder = history([openCase(youth), earlier]);
    expect(given(inOrder).when(notification, at(NOW)).opened('NSR-CONVENE')).toHaveLength(1);
    const after: CaseEvent[] = [...history([openCase(youth), notification])];
    const fulfilled = given(after)
      .when(convene('2026-03-12T10:00:00.000Z', '2026-03-20', null), at(NOW))
      .types();
    expect(fulfilled).toContain('ObligationFulfilled');
  });
});

describe('rule 14: planned dates are bounded, not refused as future', () => {
  const past = () => history([openCase('2008-06-15'), receive('2026-03-10T10:00:00.000Z')]);

  it('refuses meetingDate 2999-01-01', () => {
    const error = given(past())
      .when(convene('2026-03-12T10:00:00.000Z', '2999-01-01'), at(NOW))
      .thenFails('planned-date-too-far-ahead');
    expect(error.field).toBe('meetingDate');
  });

  it.each([
    ['2025-01-31T10:00:00.000Z', '2026-01-31', '2026-02-01'],
    // A convocation on a leap day plans at most until 28 February of the next year.
    ['2024-02-29T10:00:00.000Z', '2025-02-28', '2025-03-01'],
    // 23:30 UTC on 30 March 2025 is already 31 March in Copenhagen (summer time).
    ['2025-03-30T22:30:00.000Z', '2026-03-31', '2026-04-01'],
  ])(
    `a convocation at %s may plan the meeting up to %s (${PLANNED_DATE_HORIZON_YEARS} year), not %s`,
    (occurredAt, last, tooFar) => {
      const events = history([openCase('2008-06-15', '2020-01-01T09:00:00.000Z')]);
      const now = '2026-03-25T12:00:00.000Z';
      expect(given(events).when(convene(occurredAt, last, null), at(now)).result.ok).toBe(true);
      given(events)
        .when(convene(occurredAt, tooFar, null), at(now))
        .thenFails('planned-date-too-far-ahead');
    },
  );

  it("bounds an aftercare start date by the youth's 23rd birthday", () => {
    given(history([openCase('2008-06-15')]))
      .when(cmd('GrantAftercare', { aftercareId: 'ac-1', startDate: '2999-01-01' }, NOW), at(NOW))
      .thenFails('aftercare-window-closed');
  });
});

describe('rule 14: dates the calendar cannot represent are refused, never thrown', () => {
  const farFuture = '9999-12-28T12:00:00.000Z';
  const openedFar = () =>
    given([]).when(openCase('9990-01-01', '9999-12-01T10:00:00.000Z'), at(farFuture)).events;

  it('refuses a fact from 9999-12-31T23:00:00Z on, which is local date 10000-01-01', () => {
    const events = opened();
    const error = given(events)
      .when(receive('9999-12-31T23:00:00.000Z'), at('9999-12-31T23:00:00.000Z'))
      .thenFails('instant-out-of-range');
    expect(error.field).toBe('occurredAt');
    expect(
      given(events).when(
        cmd('AdoptPlan', { planId: 'p-1' }, '9999-12-31T22:59:59.999Z'),
        at('9999-12-31T22:59:59.999Z'),
      ).result.ok,
    ).toBe(true);
  });

  it.each([
    [
      'a convocation on 9999-12-25 (NSR-HOLD due 14 days later)',
      convene('9999-12-25T10:00:00.000Z', '9999-12-30', null),
    ],
    [
      'a contact-person decision on 9999-12-20 (CP-PLAN due 3 months later)',
      decide('9999-12-20T10:00:00.000Z'),
    ],
  ])('refuses %s when the clock itself stands in year 9999', (_name, command) => {
    const error = given(openedFar()).when(command, at(farFuture)).thenFails('instant-out-of-range');
    expect(error.field).toBe('occurredAt');
  });

  it('refuses the same facts as in the future on a sane clock', () => {
    given(opened())
      .when(convene('9999-12-25T10:00:00.000Z', '9999-12-30', null), at(NOW))
      .thenFails('occurred-in-future');
    given(opened()).when(decide('9999-12-20T10:00:00.000Z'), at(NOW)).thenFails('occurred-in-future');
  });
});
