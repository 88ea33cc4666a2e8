import { addDays, localDateOf } from './calendar';
import type { CaseEvent } from './events';
import { cmd, context, given, history, openCase } from './test-support';

const YOUTH_BORN = '2009-05-10';

const receive = (occurredAt: string, documentationId = 'doc-1') =>
  cmd(
    'RecordPoliceDocumentation',
    { documentationId, kind: 'interview-invitation', offenceCategories: ['violence'] },
    occurredAt,
  );
const convene = (occurredAt: string, councilId = 'council-1', documentationId: string | null = 'doc-1') =>
  cmd(
    'ConveneCouncil',
    {
      councilId,
      documentationId,
      invitees: [{ role: 'youth' }, { role: 'custody-holder' }, { role: 'professional', description: 'SSP' }],
      meetingDate: addDays(localDateOf(occurredAt), 7),
    },
    occurredAt,
  );
const held = (occurredAt: string, councilId = 'council-1') =>
  cmd(
    'RecordCouncilHeld',
    {
      councilId,
      participants: [{ role: 'youth' }, { role: 'custody-holder' }],
      agreements: ['School every day'],
    },
    occurredAt,
  );

const opened = (birthDate = YOUTH_BORN) => history([openCase(birthDate, '2010-01-01T09:00:00.000Z')]);

describe('NSR-CONVENE: convene within 7 days of police documentation (SEL § 57 c / Barnets lov)', () => {
  it('is due at the end of the 7th local day after receipt, across the spring DST change', () => {
    const [convene7] = given(opened()).when(receive('2025-03-25T10:00:00.000Z')).opened('NSR-CONVENE');
    expect(convene7).toMatchObject({
      obligationId: 'NSR-CONVENE:documentation:doc-1',
      dueDate: '2025-04-01',
      // 00:00 CEST on 2 April: 23 hours earlier in UTC than in winter, not receipt + 7 * 24 h.
      dueAt: '2025-04-01T22:00:00.000Z',
      strictDueAt: '2025-04-01T22:00:00.000Z',
      rolledDueAt: null,
      basis: 'statute',
      variant: 'barnets-lov',
      citationVerified: false,
      rulePack: { id: 'dk-youth', version: '2026.2' },
      triggeredBy: { type: 'PoliceDocumentationReceived', key: 'doc-1@2025-03-25T10:00:00.000Z' },
      // warning lead of 2 days: from 00:00 local on the day before the due date
      warnAt: '2025-03-30T22:00:00.000Z',
    });
  });

  it('is due at the end of the 7th local day after receipt, across the autumn DST change', () => {
    const [convene7] = given(opened()).when(receive('2025-10-21T10:00:00.000Z')).opened('NSR-CONVENE');
    expect(convene7).toMatchObject({ dueDate: '2025-10-28', dueAt: '2025-10-28T23:00:00.000Z' });
  });

  it('counts from the local date: a receipt one second before local midnight is a day earlier', () => {
    const before = given(opened()).when(receive('2025-03-29T22:59:59.000Z')).opened('NSR-CONVENE')[0];
    const after = given(opened()).when(receive('2025-03-29T23:00:00.000Z')).opened('NSR-CONVENE')[0];
    expect(before).toMatchObject({ dueDate: '2025-04-05', dueAt: '2025-04-05T22:00:00.000Z' });
    expect(after).toMatchObject({ dueDate: '2025-04-06', dueAt: '2025-04-06T22:00:00.000Z' });
  });

  it('opens nothing for a receipt on the 18th birthday, and says why', () => {
    const events = given(opened('2007-06-15')).when(receive('2025-06-14T22:30:00.000Z')).events;
    expect(events.map((event) => event.type)).toEqual(['PoliceDocumentationReceived', 'ObligationNotOpened']);
    expect(events[1].data).toMatchObject({ ruleId: 'NSR-CONVENE', reason: 'age-18-or-over-at-receipt' });
  });

  it('opens for a receipt on the day before the 18th birthday', () => {
    const outcome = given(opened('2007-06-15')).when(receive('2025-06-14T21:30:00.000Z'));
    expect(outcome.opened('NSR-CONVENE')).toHaveLength(1);
  });

  it('uses the SEL variant for a receipt on local 31 December 2023 and Barnets lov from local 1 January 2024', () => {
    const sel = given(opened()).when(receive('2023-12-31T22:30:00.000Z')).opened('NSR-CONVENE')[0];
    const barnetsLov = given(opened()).when(receive('2023-12-31T23:30:00.000Z')).opened('NSR-CONVENE')[0];
    expect(sel).toMatchObject({ variant: 'sel-57c', citationVerified: true, dueDate: '2024-01-07' });
    expect(barnetsLov).toMatchObject({ variant: 'barnets-lov', dueDate: '2024-01-08' });
  });

  it('is fulfilled on time by convening the council, which opens NSR-HOLD for 14 days', () => {
    const past = history([openCase(YOUTH_BORN), receive('2025-03-25T10:00:00.000Z')]);
    const outcome = given(past).when(convene('2025-04-01T21:59:59.000Z'));
    expect(outcome.types()).toEqual(['CouncilConvened', 'ObligationFulfilled', 'ObligationOpened']);
    expect(outcome.events[1].data).toMatchObject({
      obligationId: 'NSR-CONVENE:documentation:doc-1',
      onTime: true,
      late: false,
      by: { type: 'CouncilConvened', key: 'council-1@2025-04-01T21:59:59.000Z' },
    });
    expect(outcome.opened('NSR-HOLD')[0]).toMatchObject({
      basis: 'guidance',
      dueDate: '2025-04-15',
      subject: { kind: 'council', id: 'council-1' },
    });
  });

  it('is fulfilled late by a convocation at the breach instant', () => {
    const past = history([openCase(YOUTH_BORN), receive('2025-03-25T10:00:00.000Z')]);
    const outcome = given(past).when(convene('2025-04-01T22:00:00.000Z'));
    expect(outcome.events[1].data).toMatchObject({ onTime: false, late: true });
  });

  it('is cancelled by an assessment that the youth is not in the target group', () => {
    const past = history([openCase(YOUTH_BORN), receive('2025-03-25T10:00:00.000Z')]);
    given(past)
      .when(
        cmd(
          'AssessTargetGroup',
          { documentationId: 'doc-1', inTargetGroup: false, reasoning: 'Minor shoplifting, not serious' },
          '2025-03-26T10:00:00.000Z',
        ),
      )
      .then([
        {
          type: 'TargetGroupAssessed',
          data: {
            documentationId: 'doc-1',
            inTargetGroup: false,
            reasoning: 'Minor shoplifting, not serious',
          },
          occurredAt: '2025-03-26T10:00:00.000Z',
        },
        {
          type: 'ObligationCancelled',
          data: {
            obligationId: 'NSR-CONVENE:documentation:doc-1',
            reason: 'assessed as not in the target group',
            by: { type: 'TargetGroupAssessed', key: 'doc-1@2025-03-26T10:00:00.000Z' },
          },
          occurredAt: '2025-03-26T10:00:00.000Z',
        },
      ]);
  });

  it('stays open when the youth is assessed as in the target group', () => {
    const past = history([openCase(YOUTH_BORN), receive('2025-03-25T10:00:00.000Z')]);
    const outcome = given(past).when(
      cmd(
        'AssessTargetGroup',
        { documentationId: 'doc-1', inTargetGroup: true, reasoning: '' },
        '2025-03-26T10:00:00.000Z',
      ),
    );
    expect(outcome.types()).toEqual(['TargetGroupAssessed']);
  });

  it('a convocation without a notification id fulfils every open NSR-CONVENE', () => {
    const past = history([
      openCase(YOUTH_BORN),
      receive('2025-03-25T10:00:00.000Z', 'doc-1'),
      receive('2025-03-26T10:00:00.000Z', 'doc-2'),
    ]);
    const outcome = given(past).when(convene('2025-03-27T10:00:00.000Z', 'council-1', null));
    expect(outcome.types().filter((type) => type === 'ObligationFulfilled')).toHaveLength(2);
  });
});

describe('NSR-REOFFENCE: new documentation within one year after a held council (SEL § 57 c)', () => {
  const councilHistory = () =>
    history([
      openCase(YOUTH_BORN),
      receive('2024-02-20T10:00:00.000Z', 'doc-1'),
      convene('2024-02-22T10:00:00.000Z'),
      held('2024-03-01T10:00:00.000Z'),
    ]);

  it('replaces NSR-CONVENE for a receipt exactly one year after the held date', () => {
    const outcome = given(councilHistory()).when(receive('2025-03-01T12:00:00.000Z', 'doc-2'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-REOFFENCE']);
    expect(outcome.opened()[0]).toMatchObject({
      dueAt: null,
      dueDate: null,
      warnAt: null,
      variant: 'barnets-lov',
    });
  });

  it('opens NSR-CONVENE again one day later', () => {
    const outcome = given(councilHistory()).when(receive('2025-03-02T12:00:00.000Z', 'doc-2'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
  });

  it('decides by the local receipt date: 23:30Z on the anniversary is already the next local day', () => {
    const outcome = given(councilHistory()).when(receive('2025-03-01T23:30:00.000Z', 'doc-2'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
  });

  it('takes the municipality’s default due where it sets one, and is fulfilled by a revision for re-offence', () => {
    const pack = {
      ...context('2025-01-01T00:00:00.000Z').rules.pack,
      municipalities: { '101': { dueDays: { 'NSR-REOFFENCE': 7, 'NSR-PLAN': 30 } } },
    };
    const past = history(
      [
        openCase(YOUTH_BORN),
        receive('2024-02-20T10:00:00.000Z', 'doc-1'),
        convene('2024-02-22T10:00:00.000Z'),
        held('2024-03-01T10:00:00.000Z'),
        cmd('AdoptPlan', { planId: 'plan-1', councilId: 'council-1' }, '2024-03-05T10:00:00.000Z'),
        receive('2024-06-01T10:00:00.000Z', 'doc-2'),
      ],
      '101',
      pack,
    );
    const reoffence = past.find(
      (event): event is Extract<CaseEvent, { type: 'ObligationOpened' }> =>
        event.type === 'ObligationOpened' && event.data.ruleId === 'NSR-REOFFENCE',
    );
    expect(reoffence?.data.dueDate).toBe('2024-06-08');
    const outcome = given(past).when(
      cmd(
        'RevisePlan',
        { planId: 'plan-1', reason: 're-offence', documentationId: 'doc-2' },
        '2024-06-05T10:00:00.000Z',
      ),
    );
    expect(outcome.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { obligationId: 'NSR-REOFFENCE:documentation:doc-2', onTime: true },
    });
  });

  it('is not triggered by a council that was convened but not held', () => {
    const past = history([
      openCase(YOUTH_BORN),
      receive('2024-02-20T10:00:00.000Z', 'doc-1'),
      convene('2024-02-22T10:00:00.000Z'),
      cmd('RecordCouncilNotHeld', { councilId: 'council-1', reason: 'no-show' }, '2024-03-01T10:00:00.000Z'),
    ]);
    const outcome = given(past).when(receive('2024-05-01T12:00:00.000Z', 'doc-2'));
    expect(outcome.opened().map((o) => o.ruleId)).toEqual(['NSR-CONVENE']);
  });

  it('uses the latest held council when there are several', () => {
    const past = history([
      openCase(YOUTH_BORN),
      receive('2022-02-20T10:00:00.000Z', 'doc-1'),
      convene('2022-02-22T10:00:00.000Z', 'council-1'),
      held('2022-03-01T10:00:00.000Z', 'council-1'),
      receive('2023-05-20T10:00:00.000Z', 'doc-2'),
      convene('2023-05-22T10:00:00.000Z', 'council-2', 'doc-2'),
      held('2023-06-01T10:00:00.000Z', 'council-2'),
      convene('2023-06-02T10:00:00.000Z', 'council-3', null),
      held('2023-06-03T10:00:00.000Z', 'council-3'),
    ]);
    const outcome = given(past).when(receive('2024-06-02T12:00:00.000Z', 'doc-3'));
    expect(outcome.opened().map((o) => [o.ruleId, o.variant])).toEqual([['NSR-REOFFENCE', 'barnets-lov']]);
  });
});

describe('PRELIM-PLAN: preliminary action plan within 7 days (former SEL § 57 c, before 1 October 2014)', () => {
  it('applies to a receipt on local 30 September 2014, NSR-CONVENE from local 1 October 2014', () => {
    const past = opened('1998-01-01');
    const prelim = given(past).when(receive('2014-09-30T12:00:00.000Z')).opened();
    const nsr = given(past).when(receive('2014-09-30T22:30:00.000Z')).opened();
    expect(prelim.map((o) => [o.ruleId, o.dueDate])).toEqual([['PRELIM-PLAN', '2014-10-07']]);
    expect(nsr.map((o) => [o.ruleId, o.variant, o.dueDate])).toEqual([
      ['NSR-CONVENE', 'sel-57c', '2014-10-08'],
    ]);
  });

  it('is fulfilled by adopting a plan', () => {
    const past = history([
      openCase('1998-01-01', '2010-01-01T09:00:00.000Z'),
      receive('2014-09-01T12:00:00.000Z'),
    ]);
    const outcome = given(past).when(
      cmd('AdoptPlan', { planId: 'plan-1', kind: 'preliminary-action-plan' }, '2014-09-05T12:00:00.000Z'),
    );
    expect(outcome.types()).toEqual(['PlanAdopted', 'ObligationFulfilled']);
  });

  it('says PRELIM-PLAN is what did not open for an 18-year-old before 2014-10-01', () => {
    const outcome = given(opened('1990-01-01')).when(receive('2014-09-01T12:00:00.000Z'));
    expect(outcome.events[1].data).toMatchObject({
      ruleId: 'PRELIM-PLAN',
      reason: 'age-18-or-over-at-receipt',
    });
  });
});

describe('NSR-HOLD, NSR-PLAN and NSR-FOLLOWUP after the convocation', () => {
  const convened = () =>
    history([openCase(YOUTH_BORN), receive('2025-11-20T10:00:00.000Z'), convene('2025-11-21T10:00:00.000Z')]);

  it('holding the council fulfils NSR-HOLD and opens NSR-PLAN (no statutory due) and NSR-FOLLOWUP (3 months)', () => {
    const outcome = given(convened()).when(held('2025-11-30T10:00:00.000Z'));
    expect(outcome.types()).toEqual([
      'CouncilHeld',
      'ObligationFulfilled',
      'ObligationOpened',
      'ObligationOpened',
    ]);
    expect(outcome.opened('NSR-PLAN')[0]).toMatchObject({
      dueAt: null,
      basis: 'statute',
      citationVerified: false,
    });
    // 30 November + 3 months does not exist: the last day of February.
    expect(outcome.opened('NSR-FOLLOWUP')[0]).toMatchObject({ dueDate: '2026-02-28', basis: 'guidance' });
  });

  it('a council not held, with a reason, also fulfils NSR-HOLD', () => {
    const outcome = given(convened()).when(
      cmd(
        'RecordCouncilNotHeld',
        { councilId: 'council-1', reason: 'parents-declined' },
        '2025-11-25T10:00:00.000Z',
      ),
    );
    expect(outcome.types()).toEqual(['CouncilNotHeld', 'ObligationFulfilled']);
  });

  it('the follow-up is fulfilled by a recorded follow-up or by a plan revision after it', () => {
    const past = [...convened(), ...given(convened()).when(held('2025-11-30T10:00:00.000Z')).events];
    const followUp = given(past).when(
      cmd(
        'RecordCouncilFollowUp',
        { councilId: 'council-1', note: 'Phone call' },
        '2026-02-20T10:00:00.000Z',
      ),
    );
    expect(followUp.events[1].data).toMatchObject({
      obligationId: 'NSR-FOLLOWUP:council:council-1',
      onTime: true,
    });
    const planned = [
      ...past,
      ...given(past).when(
        cmd('AdoptPlan', { planId: 'p', councilId: 'council-1' }, '2025-12-01T10:00:00.000Z'),
      ).events,
    ];
    expect(planned.at(-1)?.data).toMatchObject({ obligationId: 'NSR-PLAN:council:council-1', onTime: true });
    const revised = given(planned).when(
      cmd(
        'RevisePlan',
        { planId: 'p', reason: 'follow-up-outcome', councilId: 'council-1' },
        '2026-03-02T10:00:00.000Z',
      ),
    );
    expect(revised.events[1].data).toMatchObject({
      obligationId: 'NSR-FOLLOWUP:council:council-1',
      onTime: false,
    });
  });
});

describe('network council refusals (no events)', () => {
  const base = () => history([openCase(YOUTH_BORN), receive('2025-03-25T10:00:00.000Z')]);

  it('refuses a council held before it was convened', () => {
    given(base()).when(held('2025-03-26T10:00:00.000Z')).thenFails('council-not-convened');
    const convened = [...base(), ...given(base()).when(convene('2025-03-27T10:00:00.000Z')).events];
    given(convened).when(held('2025-03-26T10:00:00.000Z')).thenFails('precedes-its-cause');
  });

  it('refuses a second outcome for the same council', () => {
    const past = [...base(), ...given(base()).when(convene('2025-03-27T10:00:00.000Z')).events];
    const done = [...past, ...given(past).when(held('2025-03-30T10:00:00.000Z')).events];
    given(done)
      .when(
        cmd(
          'RecordCouncilNotHeld',
          { councilId: 'council-1', reason: 'no-show' },
          '2025-03-31T10:00:00.000Z',
        ),
      )
      .thenFails('council-already-concluded');
  });

  it.each([
    ['an unknown notification kind', { kind: 'rumour' }, 'invalid-value'],
    ['no offence category', { offenceCategories: [] }, 'offence-category-required'],
    ['an unknown offence category', { offenceCategories: ['jaywalking'] }, 'invalid-value'],
    ['a CPR number as id', { documentationId: '010203-1234' }, 'id-looks-like-cpr'],
    ['a malformed id', { documentationId: 'a b' }, 'invalid-id'],
  ])('refuses police documentation with %s', (_name, patch, code) => {
    const command = receive('2025-03-26T10:00:00.000Z', 'doc-9');
    given(base())
      .when({ ...command, data: { ...command.data, ...(patch as object) } })
      .thenFails(code);
  });

  it('refuses the same notification twice', () => {
    given(base()).when(receive('2025-03-26T10:00:00.000Z')).thenFails('duplicate-id');
  });

  it('refuses a not-in-target-group assessment without reasoning, or for an unknown notification', () => {
    given(base())
      .when(
        cmd(
          'AssessTargetGroup',
          { documentationId: 'doc-1', inTargetGroup: false, reasoning: ' ' },
          '2025-03-26T10:00:00.000Z',
        ),
      )
      .thenFails('reasoning-required');
    given(base())
      .when(
        cmd(
          'AssessTargetGroup',
          { documentationId: 'doc-x', inTargetGroup: true, reasoning: '' },
          '2025-03-26T10:00:00.000Z',
        ),
      )
      .thenFails('documentation-not-found');
  });

  it('refuses a convocation without invitees, with an unknown role, or a meeting before the invitation', () => {
    const command = convene('2025-03-27T10:00:00.000Z');
    const when = (patch: object) => given(base()).when({ ...command, data: { ...command.data, ...patch } });
    when({ invitees: [] }).thenFails('invitees-required');
    when({ invitees: [{ role: 'neighbour' }] }).thenFails('invalid-value');
    when({ meetingDate: '2025-03-26' }).thenFails('meeting-before-convocation');
    when({ meetingDate: '2025-02-30' }).thenFails('invalid-date');
    when({ documentationId: 'doc-x' }).thenFails('documentation-not-found');
  });

  it('refuses a held council with malformed agreements, and a not-held council with reason other but no note', () => {
    const past = [...base(), ...given(base()).when(convene('2025-03-27T10:00:00.000Z')).events];
    const command = held('2025-03-30T10:00:00.000Z');
    given(past)
      .when({ ...command, data: { ...command.data, agreements: [42] as unknown as string[] } })
      .thenFails('invalid-value');
    given(past)
      .when({ ...command, data: { ...command.data, councilId: 'bad id' } })
      .thenFails('invalid-id');
    given(past)
      .when(
        cmd('RecordCouncilNotHeld', { councilId: 'council-1', reason: 'other' }, '2025-03-30T10:00:00.000Z'),
      )
      .thenFails('note-required');
  });

  it('refuses a follow-up on a council that was not held, or before it was held', () => {
    const past = [...base(), ...given(base()).when(convene('2025-03-27T10:00:00.000Z')).events];
    given(past)
      .when(cmd('RecordCouncilFollowUp', { councilId: 'council-1' }, '2025-04-30T10:00:00.000Z'))
      .thenFails('council-not-held');
    given(past)
      .when(cmd('RecordCouncilFollowUp', { councilId: 'no such' }, '2025-04-30T10:00:00.000Z'))
      .thenFails('invalid-id');
    const done = [...past, ...given(past).when(held('2025-03-30T10:00:00.000Z')).events];
    given(done)
      .when(cmd('RecordCouncilFollowUp', { councilId: 'council-1' }, '2025-03-29T10:00:00.000Z'))
      .thenFails('precedes-its-cause');
  });

  it('refuses every command on a case that is not opened', () => {
    given([]).when(receive('2025-03-26T10:00:00.000Z')).thenFails('case-not-opened');
  });
});
