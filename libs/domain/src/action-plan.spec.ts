import { cmd, given, history, openCase } from './test-support';

const opened = () =>
  history([
    openCase('2009-05-10'),
    cmd(
      'RecordPoliceDocumentation',
      { documentationId: 'd-1', kind: 'youth-list', offenceCategories: ['theft'] },
      '2024-01-10T10:00:00.000Z',
    ),
    cmd(
      'ConveneCouncil',
      { councilId: 'c-1', documentationId: 'd-1', invitees: [{ role: 'youth' }], meetingDate: '2024-01-20' },
      '2024-01-12T10:00:00.000Z',
    ),
    cmd(
      'RecordCouncilHeld',
      { councilId: 'c-1', participants: [], agreements: [] },
      '2024-01-20T10:00:00.000Z',
    ),
    cmd('AdoptPlan', { planId: 'p-1' }, '2024-01-25T10:00:00.000Z'),
    cmd(
      'RecordPoliceDocumentation',
      { documentationId: 'd-2', kind: 'other', offenceCategories: ['arson', 'arson'] },
      '2024-06-10T10:00:00.000Z',
    ),
  ]);

describe('action plans', () => {
  it('an assessment without revision, with reasoning, fulfils NSR-REOFFENCE', () => {
    const outcome = given(opened()).when(
      cmd(
        'AssessPlanRevision',
        {
          planId: 'p-1',
          occasion: 're-offence',
          outcome: 'no-change-needed',
          reasoning: 'Plan already covers it',
          documentationId: 'd-2',
        },
        '2024-06-12T10:00:00.000Z',
      ),
    );
    expect(outcome.events[1]).toMatchObject({
      type: 'ObligationFulfilled',
      data: { obligationId: 'NSR-REOFFENCE:documentation:d-2', onTime: true },
    });
    expect(outcome.events[0].data).toMatchObject({ planId: 'p-1', councilId: null, measureId: null });
  });

  it('a revision for changed needs fulfils nothing that asks for a re-offence assessment', () => {
    const outcome = given(opened()).when(
      cmd('RevisePlan', { planId: 'p-1', reason: 'changed-needs' }, '2024-06-12T10:00:00.000Z'),
    );
    expect(outcome.types()).toEqual(['PlanRevised']);
  });

  it('records duplicate offence categories once', () => {
    expect(
      opened().find((e) => e.type === 'PoliceDocumentationReceived' && e.data.documentationId === 'd-2')
        ?.data,
    ).toMatchObject({
      offenceCategories: ['arson'],
    });
  });

  it.each([
    ['RevisePlan', { planId: 'p-9', reason: 're-offence' }, 'plan-not-found'],
    ['RevisePlan', { planId: 'p-1', reason: 'boredom' }, 'invalid-value'],
    ['AdoptPlan', { planId: 'p-1' }, 'duplicate-id'],
    ['AdoptPlan', { planId: 'p-2', kind: 'wish-list' }, 'invalid-value'],
    ['AdoptPlan', { planId: 'p-2', councilId: 'c-9' }, 'council-not-found'],
    ['AdoptPlan', { planId: 'p-2', documentationId: 'd-9' }, 'documentation-not-found'],
    ['AdoptPlan', { planId: 'p-2', measureId: 'm-9' }, 'measure-not-found'],
    ['AdoptPlan', { planId: 'p-2', measureId: 'bad id' }, 'invalid-id'],
    [
      'AssessPlanRevision',
      { occasion: 're-offence', outcome: 'no-change-needed', reasoning: '' },
      'reasoning-required',
    ],
    ['AssessPlanRevision', { occasion: 're-offence', outcome: 'shrug', reasoning: 'x' }, 'invalid-value'],
    [
      'AssessPlanRevision',
      { planId: 'p-9', occasion: 're-offence', outcome: 'measures-changed', reasoning: 'x' },
      'plan-not-found',
    ],
  ])('%s with %j is refused: %s', (type, data, code) => {
    given(opened())
      .when({ type, data, occurredAt: '2024-06-12T10:00:00.000Z' } as never)
      .thenFails(code);
  });
});
