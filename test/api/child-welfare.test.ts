import { cprFor, startTestApi, type TestApi } from '../support/api';
import { awaitReadModel, expectRefusal, postAccepted, postCommand } from '../support/api-requests';

jest.setTimeout(120_000);

/**
 * The three deadlines of issue 11 point 6 through the real app (api and worker in one process, so the
 * obligations read model is built from these commands): notifications of concern assessed within 24 hours,
 * investigations completed within 4 months or assessed preliminarily, and youth plans. The clock stands on
 * Sunday 29 March 2026, the spring DST change.
 */
describe('child welfare deadlines over HTTP: UNDERRETNING-ASSESS, BFU-COMPLETE, UNGEPLAN', () => {
  let api: TestApi;
  let integration: string;
  let admin: string;
  let caseId: string;
  let commands = 0;
  let lastPosition = '';

  const accepted = async (path: string, body: object) => {
    const response = await postAccepted(
      api,
      integration,
      `/v1/cases/${caseId}/${path}`,
      body,
      `cw-${++commands}`,
    );
    lastPosition = response.body.position;
    return response;
  };
  const refused = (path: string, body: object) =>
    postCommand(api, integration, `/v1/cases/${caseId}/${path}`, body, `cw-${++commands}`);
  const ids = (list: Array<{ obligationId: string }>) => list.map((o) => o.obligationId);

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-03-29T18:00:00Z', env: { FRISTVAGT_ROLE: 'all' } });
    integration = await api.key('integration', ['461']);
    admin = await api.key('admin', '*');
    const opened = await postAccepted(
      api,
      integration,
      '/v1/cases',
      { cpr: cprFor('2010-05-05'), municipality: '461', occurredAt: '2026-03-01T09:00:00Z' },
      'cw-open',
    );
    caseId = opened.body.caseId;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('a notification received at 13:00 CET the day before the DST change is due at 14:00 CEST: 24 real hours', async () => {
    const response = await accepted('notifications-of-concern', {
      notificationId: 'u-1',
      occurredAt: '2026-03-28T12:00:00Z',
    });
    expect(response.body.events[0].type).toBe('NotificationOfConcernReceived');
    expect(response.body.obligations.opened).toEqual([
      expect.objectContaining({
        obligationId: 'UNDERRETNING-ASSESS:notification:u-1',
        ruleId: 'UNDERRETNING-ASSESS',
        subject: { kind: 'notification', id: 'u-1' },
        dueAt: '2026-03-29T12:00:00.000Z',
        dueDate: '2026-03-29',
        rolledDueAt: null,
        warnAt: '2026-03-29T06:00:00.000Z',
        rulePack: { id: 'dk-youth', version: '2026.2' },
      }),
    ]);
  });

  it.each([
    [
      'notifications-of-concern',
      { occurredAt: '2026-03-28T12:00:00Z' },
      'notificationId',
      'validation-failed',
    ],
    [
      'notifications-of-concern',
      { notificationId: 'u 2', occurredAt: '2026-03-28T12:00:00Z' },
      'notificationId',
      'invalid-id',
    ],
    [
      'notifications-of-concern/u-1/assessment',
      { acuteMeasuresNeeded: 'no', reasoning: 'x', occurredAt: '2026-03-29T10:00:00Z' },
      'acuteMeasuresNeeded',
      'invalid-type',
    ],
    [
      'notifications-of-concern/u-1/assessment',
      { acuteMeasuresNeeded: false, reasoning: 'Talked to 150608-4123', occurredAt: '2026-03-29T10:00:00Z' },
      'reasoning',
      'cpr-in-free-text',
    ],
    [
      'investigations',
      { investigationId: 'i-1', occurredAt: '2026-03-29', notificationId: 'u-1' },
      'occurredAt',
      'invalid-instant',
    ],
    [
      'investigations',
      { investigationId: 'i-1', occurredAt: '2026-03-29T10:00:00Z', extra: 1 },
      'extra',
      'unknown-field',
    ],
  ])('POST %s with %j: 400 problem+json naming %s, and nothing stored', async (path, body, field, code) => {
    const before = await api.eventCount();
    const response = await refused(path, body);
    expectRefusal(response, { status: 400, code, field });
    expect(await api.eventCount()).toBe(before);
  });

  it('the assessment fulfils it in time; a second one is a conflict and an unknown notification is refused', async () => {
    const response = await accepted('notifications-of-concern/u-1/assessment', {
      acuteMeasuresNeeded: false,
      reasoning: 'No acute risk; the school follows up',
      occurredAt: '2026-03-29T11:59:00Z',
    });
    expect(response.body.obligations.fulfilled).toEqual([
      expect.objectContaining({ obligationId: 'UNDERRETNING-ASSESS:notification:u-1', onTime: true }),
    ]);
    const before = await api.eventCount();
    expectRefusal(
      await refused('notifications-of-concern/u-1/assessment', {
        acuteMeasuresNeeded: true,
        reasoning: 'again',
        occurredAt: '2026-03-29T12:30:00Z',
      }),
      { status: 409, code: 'notification-already-assessed', field: 'notificationId' },
    );
    expectRefusal(
      await refused('notifications-of-concern/u-9/assessment', {
        acuteMeasuresNeeded: true,
        reasoning: 'x',
        occurredAt: '2026-03-29T12:30:00Z',
      }),
      { status: 422, code: 'notification-not-found', field: 'notificationId' },
    );
    expect(await api.eventCount()).toBe(before);
  });

  it('an investigation: 4 months, a preliminary assessment with its own follow-up, then the completion', async () => {
    const started = await accepted('investigations', {
      investigationId: 'i-1',
      notificationId: 'u-1',
      occurredAt: '2026-03-28T13:00:00Z',
    });
    expect(started.body.obligations.opened).toEqual([
      expect.objectContaining({
        obligationId: 'BFU-COMPLETE:investigation:i-1',
        variant: 'barnets-lov-20',
        dueDate: '2026-07-28',
        citation: 'Barnets lov § 20, stk. 3, 1. pkt.',
      }),
    ]);
    const preliminary = await accepted('investigations/i-1/preliminary-assessment', {
      reasoning: 'Waiting for the psychologist',
      occurredAt: '2026-03-29T09:00:00Z',
    });
    expect(ids(preliminary.body.obligations.fulfilled)).toEqual(['BFU-COMPLETE:investigation:i-1']);
    expect(preliminary.body.obligations.opened).toEqual([
      expect.objectContaining({ obligationId: 'BFU-COMPLETE:investigation:i-1:2', dueDate: '2026-04-28' }),
    ]);
    const completed = await accepted('investigations/i-1/completion', { occurredAt: '2026-03-29T10:00:00Z' });
    expect(ids(completed.body.obligations.fulfilled)).toEqual(['BFU-COMPLETE:investigation:i-1:2']);
    expectRefusal(await refused('investigations/i-1/completion', { occurredAt: '2026-03-29T11:00:00Z' }), {
      status: 409,
      code: 'investigation-already-completed',
      field: 'investigationId',
    });
  });

  it('a placement at 15 needs a youth plan by 16 + 3 months; a youth plan fulfils it', async () => {
    const placed = await accepted('placements', { placementId: 'pl-1', occurredAt: '2026-03-29T08:00:00Z' });
    expect(placed.body.obligations.opened).toContainEqual(
      expect.objectContaining({
        obligationId: 'UNGEPLAN:placement:pl-1',
        dueDate: '2026-08-05',
        subject: { kind: 'placement', id: 'pl-1' },
      }),
    );
    const plan = await accepted('youth-plans', { planId: 'ungeplan-1', occurredAt: '2026-03-29T09:30:00Z' });
    expect(plan.body.events[0]).toMatchObject({ type: 'PlanAdopted' });
    expect(ids(plan.body.obligations.fulfilled)).toContain('UNGEPLAN:placement:pl-1');
  });

  it('the case shows its notifications and investigations', async () => {
    const read = await api.http
      .get(`/v1/cases/${caseId}`)
      .set('Authorization', `Bearer ${integration}`)
      .expect(200);
    expect(read.body.notificationsOfConcern).toEqual({
      'u-1': { receivedAt: '2026-03-28T12:00:00Z', assessedAt: '2026-03-29T11:59:00Z' },
    });
    expect(read.body.investigations).toEqual({
      'i-1': {
        startedAt: '2026-03-28T13:00:00Z',
        preliminaryAssessmentAt: '2026-03-29T09:00:00Z',
        completedAt: '2026-03-29T10:00:00Z',
      },
    });
  });

  it('the new rules are in GET /v1/rules and in the obligations read model', async () => {
    const rules = await api.http.get('/v1/rules').set('Authorization', `Bearer ${integration}`).expect(200);
    const ruleIds = new Set(rules.body.rules.map((rule: { ruleId: string }) => rule.ruleId));
    for (const ruleId of ['UNDERRETNING-ASSESS', 'BFU-COMPLETE', 'UNGEPLAN'])
      expect(ruleIds.has(ruleId)).toBe(true);

    const ask = () =>
      api.http
        .get('/v1/obligations')
        .query({
          caseId,
          rule: 'UNDERRETNING-ASSESS,BFU-COMPLETE,UNGEPLAN',
          state: 'open,due-soon,breached,fulfilled,cancelled,waived',
          minPosition: lastPosition,
          wait: '10000',
        })
        .set('Authorization', `Bearer ${admin}`);
    await awaitReadModel(ask, (body) => body.readModel.reached === true);
    const items: Array<{ obligationId: string; ruleId: string; state: string }> = (await ask().expect(200))
      .body.items;
    expect(Object.fromEntries(items.map((item) => [item.obligationId, [item.ruleId, item.state]]))).toEqual({
      'UNDERRETNING-ASSESS:notification:u-1': ['UNDERRETNING-ASSESS', 'fulfilled'],
      'BFU-COMPLETE:investigation:i-1': ['BFU-COMPLETE', 'fulfilled'],
      'BFU-COMPLETE:investigation:i-1:2': ['BFU-COMPLETE', 'fulfilled'],
      'UNGEPLAN:placement:pl-1': ['UNGEPLAN', 'fulfilled'],
    });
  });
});
