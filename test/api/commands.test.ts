import { cprFor, startTestApi, type TestApi } from '../support/api';

jest.setTimeout(60_000);

const PROBLEM = 'application/problem+json; charset=utf-8';

interface Step {
  readonly name: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The fact type this command records. */
  readonly fact?: string;
  /** Expected refusal instead of success. */
  readonly refused?: { readonly status: number; readonly code: string; readonly field?: string };
  readonly role?: 'supervisor';
}

/**
 * Every command of the rules engine against one case of a youth born 2008-06-15 (17 at the start,
 * 18 in June 2026, so the aftercare rules apply): each happy path in an order the law allows, and for
 * each command a refusal by the domain. The clock stands at 2026-07-01.
 */
function story(): Step[] {
  const at = (day: string) => `${day}T10:00:00Z`;
  return [
    {
      name: 'StartPlacement',
      path: 'placements',
      body: { placementId: 'pl-1', occurredAt: at('2026-01-05') },
      fact: 'PlacementStarted',
    },
    {
      name: 'StartPlacement refused: same id twice',
      path: 'placements',
      body: { placementId: 'pl-1', occurredAt: at('2026-01-06') },
      refused: { status: 409, code: 'duplicate-id', field: 'placementId' },
    },
    {
      name: 'RecordPoliceDocumentation',
      path: 'police-notifications',
      body: {
        documentationId: 'pol-1',
        kind: 'interview-invitation',
        offenceCategories: ['robbery'],
        occurredAt: at('2026-03-25'),
      },
      fact: 'PoliceDocumentationReceived',
    },
    {
      name: 'RecordPoliceDocumentation refused: same documentation twice',
      path: 'police-notifications',
      body: {
        documentationId: 'pol-1',
        kind: 'youth-list',
        offenceCategories: ['theft'],
        occurredAt: at('2026-03-26'),
      },
      refused: { status: 409, code: 'duplicate-id', field: 'documentationId' },
    },
    {
      name: 'AssessTargetGroup',
      path: 'police-notifications/pol-1/target-group-assessments',
      body: { inTargetGroup: true, reasoning: 'Suspected of robbery', occurredAt: at('2026-03-26') },
      fact: 'TargetGroupAssessed',
    },
    {
      name: 'AssessTargetGroup refused: unknown documentation',
      path: 'police-notifications/pol-9/target-group-assessments',
      body: { inTargetGroup: true, reasoning: 'x', occurredAt: at('2026-03-26') },
      refused: { status: 422, code: 'documentation-not-found', field: 'documentationId' },
    },
    {
      name: 'ConveneCouncil refused: meeting before the invitation',
      path: 'network-council/convocations',
      body: {
        councilId: 'c-1',
        documentationId: 'pol-1',
        invitees: [{ role: 'youth' }],
        meetingDate: '2026-03-20',
        occurredAt: at('2026-03-27'),
      },
      refused: { status: 422, code: 'meeting-before-convocation', field: 'meetingDate' },
    },
    {
      name: 'ConveneCouncil',
      path: 'network-council/convocations',
      body: {
        councilId: 'c-1',
        documentationId: 'pol-1',
        invitees: [{ role: 'youth' }, { role: 'custody-holder', description: 'mother' }],
        meetingDate: '2026-03-30',
        occurredAt: at('2026-03-27'),
      },
      fact: 'CouncilConvened',
    },
    {
      name: 'RecordCouncilFollowUp refused: council not held yet',
      path: 'network-council/c-1/follow-ups',
      body: { note: 'too early', occurredAt: at('2026-03-28') },
      refused: { status: 409, code: 'council-not-held', field: 'councilId' },
    },
    {
      name: 'RecordCouncilHeld',
      path: 'network-council/c-1/held',
      body: { participants: [{ role: 'youth' }], agreements: ['School plan'], occurredAt: at('2026-03-30') },
      fact: 'CouncilHeld',
    },
    {
      name: 'RecordCouncilHeld refused: council never convened',
      path: 'network-council/c-9/held',
      body: { participants: [], agreements: [], occurredAt: at('2026-03-30') },
      refused: { status: 409, code: 'council-not-convened', field: 'councilId' },
    },
    {
      name: 'RecordCouncilFollowUp',
      path: 'network-council/c-1/follow-ups',
      body: { note: 'Agreements kept', occurredAt: at('2026-04-20') },
      fact: 'CouncilFollowUpRecorded',
    },
    {
      name: 'AdoptPlan',
      path: 'action-plans',
      body: { planId: 'plan-1', kind: 'action-plan', councilId: 'c-1', occurredAt: at('2026-04-02') },
      fact: 'PlanAdopted',
    },
    {
      name: 'RevisePlan refused: unknown plan',
      path: 'action-plans/revisions',
      body: { planId: 'plan-9', reason: 're-offence', occurredAt: at('2026-04-03') },
      refused: { status: 422, code: 'plan-not-found', field: 'planId' },
    },
    {
      name: 'RevisePlan',
      path: 'action-plans/revisions',
      body: { planId: 'plan-1', reason: 'changed-needs', occurredAt: at('2026-04-10') },
      fact: 'PlanRevised',
    },
    {
      name: 'AssessPlanRevision',
      path: 'action-plans/revision-assessments',
      body: {
        planId: 'plan-1',
        occasion: 'follow-up-outcome',
        outcome: 'no-change-needed',
        reasoning: 'Fits',
        occurredAt: at('2026-04-21'),
      },
      fact: 'PlanRevisionAssessed',
    },
    {
      name: 'AssessPlanRevision refused: no reasoning',
      path: 'action-plans/revision-assessments',
      body: {
        planId: 'plan-1',
        occasion: 'follow-up-outcome',
        outcome: 'no-change-needed',
        reasoning: '  ',
        occurredAt: at('2026-04-21'),
      },
      refused: { status: 422, code: 'reasoning-required', field: 'reasoning' },
    },
    {
      name: 'DecideContactPerson',
      path: 'contact-person/decisions',
      body: { measureId: 'm-1', planRequired: true, occurredAt: at('2026-04-01') },
      fact: 'ContactPersonDecided',
    },
    {
      name: 'RecordFollowUp refused: measure not started',
      path: 'contact-person/m-1/follow-ups',
      body: { occurredAt: at('2026-04-02') },
      refused: { status: 409, code: 'measure-not-started', field: 'measureId' },
    },
    {
      name: 'StartContactPerson',
      path: 'contact-person/m-1/start',
      body: { occurredAt: at('2026-04-05') },
      fact: 'ContactPersonStarted',
    },
    {
      name: 'StartContactPerson refused: unknown measure',
      path: 'contact-person/m-9/start',
      body: { occurredAt: at('2026-04-05') },
      refused: { status: 422, code: 'measure-not-found', field: 'measureId' },
    },
    {
      name: 'RecordFollowUp',
      path: 'contact-person/m-1/follow-ups',
      body: { nextIntervalMonths: 6, occurredAt: at('2026-06-30') },
      fact: 'FollowUpRecorded',
    },
    {
      name: 'SubmitStatusStatement',
      path: 'contact-person/m-1/status-statements',
      body: { youthOwnWords: 'It helps', occurredAt: at('2026-06-30') },
      fact: 'StatusStatementSubmitted',
    },
    {
      name: 'EndContactPerson',
      path: 'contact-person/m-1/end',
      body: { reason: 'goal-met', occurredAt: at('2026-06-30') },
      fact: 'ContactPersonEnded',
    },
    {
      name: 'EndContactPerson refused: already ended',
      path: 'contact-person/m-1/end',
      body: { reason: 'goal-met', occurredAt: at('2026-06-30') },
      refused: { status: 409, code: 'measure-already-ended', field: 'measureId' },
    },
    {
      name: 'AssessAftercare',
      path: 'aftercare/assessments',
      body: {
        offered: true,
        content: 'Contact person to 21',
        reasoning: 'Education',
        occurredAt: at('2026-05-01'),
      },
      fact: 'AftercareAssessed',
    },
    {
      name: 'RequestAftercare',
      path: 'aftercare/requests',
      body: { requestId: 'r-1', occurredAt: at('2026-05-02') },
      fact: 'AftercareRequested',
    },
    {
      name: 'GrantAftercare refused: starts before the 18th birthday',
      path: 'aftercare/grants',
      body: { aftercareId: 'a-1', requestId: 'r-1', startDate: '2026-06-01', occurredAt: at('2026-05-10') },
      refused: { status: 422, code: 'aftercare-window-not-open', field: 'startDate' },
    },
    {
      name: 'GrantAftercare',
      path: 'aftercare/grants',
      body: {
        aftercareId: 'a-1',
        requestId: 'r-1',
        startDate: '2026-06-15',
        content: 'Contact person',
        occurredAt: at('2026-05-10'),
      },
      fact: 'AftercareGranted',
    },
    {
      name: 'EndAftercare refused: unknown aftercare',
      path: 'aftercare/a-9/end',
      body: { occurredAt: at('2026-06-20') },
      refused: { status: 422, code: 'aftercare-not-found', field: 'aftercareId' },
    },
    {
      name: 'EndAftercare',
      path: 'aftercare/a-1/end',
      body: { reason: 'moved', occurredAt: at('2026-06-20') },
      fact: 'AftercareEnded',
    },
    {
      name: 'RecordAftercareDeclined',
      path: 'aftercare/declines',
      body: { note: 'Declined a new offer', occurredAt: at('2026-06-21') },
      fact: 'AftercareDeclinedByYouth',
    },
    {
      name: 'EndPlacement',
      path: 'placements/pl-1/end',
      body: { reason: 'home', occurredAt: at('2026-06-25') },
      fact: 'PlacementEnded',
    },
    {
      name: 'EndPlacement refused: already ended',
      path: 'placements/pl-1/end',
      body: { occurredAt: at('2026-06-26') },
      refused: { status: 409, code: 'placement-already-ended', field: 'placementId' },
    },
    {
      name: 'WaiveObligation refused: unknown obligation',
      path: 'obligations/NSR-X:case/waivers',
      body: { justification: 'n/a', occurredAt: at('2026-06-27') },
      refused: { status: 422, code: 'obligation-not-found', field: 'obligationId' },
      role: 'supervisor',
    },
    {
      name: 'TransferCase refused: to the same municipality',
      path: 'transfers',
      body: { toMunicipality: '461', occurredAt: at('2026-06-28') },
      refused: { status: 422, code: 'same-municipality', field: 'toMunicipality' },
    },
    {
      name: 'TransferCase',
      path: 'transfers',
      body: { toMunicipality: '101', occurredAt: at('2026-06-29') },
      fact: 'CaseTransferred',
    },
  ];
}

describe('command endpoints (PostgreSQL)', () => {
  let api: TestApi;
  let integration: string;
  let supervisor: string;
  let caseId: string;
  let keys = 0;

  const post = (path: string, body: unknown, token = integration, headers: Record<string, string> = {}) =>
    api.http
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', headers['Idempotency-Key'] ?? `key-${++keys}`)
      .set(Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'Idempotency-Key')))
      .send(body as object);

  const eventCount = () => api.eventCount();

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-07-01T08:00:00Z' });
    integration = await api.key('integration', ['461']);
    supervisor = await api.key('supervisor', ['461', '101']);
    const opened = await post('/v1/cases', {
      cpr: cprFor('2008-06-15'),
      municipality: '461',
      occurredAt: '2026-01-02T09:00:00Z',
    });
    expect(opened.status).toBe(201);
    caseId = opened.body.caseId;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('opens a case: 201, Location, ETag and the id Fristvagt assigned', async () => {
    const response = await post(
      '/v1/cases',
      { cpr: cprFor('2012-02-29'), municipality: '461', occurredAt: '2026-01-02T09:00:00Z' },
      integration,
      { 'Idempotency-Key': 'open-leap-day' },
    );
    expect(response.status).toBe(201);
    expect(response.body.caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.location).toBe(`/v1/cases/${response.body.caseId}`);
    expect(response.headers.etag).toBe('"0"');
    expect(response.body.events).toEqual([expect.objectContaining({ type: 'CaseOpened', revision: 0 })]);
  });

  it('runs every command of the rules engine, each with its happy path and a domain refusal', async () => {
    for (const step of story()) {
      const before = await eventCount();
      const token = step.role === 'supervisor' ? supervisor : integration;
      const response = await post(`/v1/cases/${caseId}/${step.path}`, step.body, token);
      if (step.refused !== undefined) {
        expect({
          step: step.name,
          status: response.status,
          code: response.body.code,
          field: response.body.field,
        }).toEqual({
          step: step.name,
          ...step.refused,
        });
        expect(response.headers['content-type']).toBe(PROBLEM);
        expect(await eventCount()).toBe(before);
      } else {
        expect({ step: step.name, status: response.status, detail: response.body.detail }).toEqual({
          step: step.name,
          status: 201,
          detail: undefined,
        });
        expect(response.body.events[0].type).toBe(step.fact);
        expect(response.headers.etag).toBe(`"${response.body.revision}"`);
        expect(await eventCount()).toBe(before + response.body.events.length);
      }
    }
  });

  it('shows the deadline a police notification opens: NSR-CONVENE 7 days after receipt, end of the Danish day', async () => {
    const opened = await post('/v1/cases', {
      cpr: cprFor('2011-05-05'),
      municipality: '461',
      occurredAt: '2026-03-01T09:00:00Z',
    });
    // Received on the Wednesday before the spring DST change (29 March 2026): due at the end of 1 April, CEST.
    const response = await post(`/v1/cases/${opened.body.caseId}/police-notifications`, {
      documentationId: 'pol-dst',
      kind: 'interview-invitation',
      offenceCategories: ['violence'],
      occurredAt: '2026-03-25T10:00:00Z',
    });
    expect(response.status).toBe(201);
    expect(response.body.obligations.opened).toEqual([
      expect.objectContaining({
        ruleId: 'NSR-CONVENE',
        dueDate: '2026-04-01',
        dueAt: '2026-04-01T22:00:00.000Z',
        basis: 'statute',
        subject: { kind: 'documentation', id: 'pol-dst' },
      }),
    ]);
  });

  describe('Idempotency-Key', () => {
    it('replays the original status and body without appending, and refuses the key with another body', async () => {
      const body = {
        documentationId: 'pol-idem',
        kind: 'weekly-report',
        offenceCategories: ['theft'],
        occurredAt: '2026-06-30T10:00:00Z',
      };
      const target = await post('/v1/cases', {
        cpr: cprFor('2010-10-10'),
        municipality: '461',
        occurredAt: '2026-06-01T10:00:00Z',
      });
      const path = `/v1/cases/${target.body.caseId}/police-notifications`;
      const first = await post(path, body, integration, { 'Idempotency-Key': 'idem-1' });
      expect(first.status).toBe(201);
      const count = await eventCount();

      api.clock.set('2026-07-02T08:00:00Z');
      const again = await post(path, { ...body, offenceCategories: ['theft'] }, integration, {
        'Idempotency-Key': 'idem-1',
      });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await eventCount()).toBe(count);

      const reused = await post(path, { ...body, kind: 'other' }, integration, {
        'Idempotency-Key': 'idem-1',
      });
      expect(reused.status).toBe(422);
      expect(reused.body).toMatchObject({ code: 'idempotency-key-reused', field: 'Idempotency-Key' });
      expect(await eventCount()).toBe(count);
      api.clock.set('2026-07-01T08:00:00Z');
    });

    it('gives a retried case opening the same case instead of a second one', async () => {
      const body = { cpr: cprFor('2009-09-09'), municipality: '461', occurredAt: '2026-06-01T10:00:00Z' };
      const first = await post('/v1/cases', body, integration, { 'Idempotency-Key': 'open-twice' });
      const second = await post('/v1/cases', body, integration, { 'Idempotency-Key': 'open-twice' });
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.location).toBe(first.headers.location);
    });

    it('keeps keys of different API keys apart', async () => {
      const other = await api.key('integration', ['461']);
      const body = { cpr: cprFor('2009-09-09'), municipality: '461', occurredAt: '2026-06-01T10:00:00Z' };
      const mine = await post('/v1/cases', body, integration, { 'Idempotency-Key': 'shared-key' });
      const theirs = await post('/v1/cases', body, other, { 'Idempotency-Key': 'shared-key' });
      expect(theirs.status).toBe(201);
      expect(theirs.body.caseId).not.toBe(mine.body.caseId);
    });

    it('is required on every command', async () => {
      const response = await api.http
        .post(`/v1/cases/${caseId}/placements`)
        .set('Authorization', `Bearer ${integration}`)
        .send({ placementId: 'pl-x', occurredAt: '2026-06-30T10:00:00Z' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'idempotency-key-required', field: 'Idempotency-Key' });
    });

    it('does not remember refusals as successes: a refused command can be corrected and sent again', async () => {
      const target = await post('/v1/cases', {
        cpr: cprFor('2010-01-01'),
        municipality: '461',
        occurredAt: '2026-06-01T10:00:00Z',
      });
      const path = `/v1/cases/${target.body.caseId}/placements/pl-none/end`;
      const refused = await post(path, { occurredAt: '2026-06-30T10:00:00Z' }, integration, {
        'Idempotency-Key': 'refused-1',
      });
      expect(refused.status).toBe(422);
      const count = await eventCount();
      const again = await post(path, { occurredAt: '2026-06-30T10:00:00Z' }, integration, {
        'Idempotency-Key': 'refused-1',
      });
      expect(again.status).toBe(422);
      expect(await eventCount()).toBe(count);
    });
  });

  describe('If-Match', () => {
    it('appends when it names the current revision and answers 412 when it does not', async () => {
      const target = await post('/v1/cases', {
        cpr: cprFor('2010-02-02'),
        municipality: '461',
        occurredAt: '2026-06-01T10:00:00Z',
      });
      const path = `/v1/cases/${target.body.caseId}/placements`;
      const current = await api.http
        .get(`/v1/cases/${target.body.caseId}`)
        .set('Authorization', `Bearer ${integration}`);
      expect(current.headers.etag).toBe('"0"');

      const ok = await post(path, { placementId: 'p-1', occurredAt: '2026-06-02T10:00:00Z' }, integration, {
        'If-Match': '"0"',
      });
      expect(ok.status).toBe(201);
      const count = await eventCount();

      const stale = await post(
        path,
        { placementId: 'p-2', occurredAt: '2026-06-03T10:00:00Z' },
        integration,
        { 'If-Match': '"0"' },
      );
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toBe(PROBLEM);
      expect(stale.body).toMatchObject({ code: 'revision-mismatch', status: 412 });
      expect(await eventCount()).toBe(count);

      const malformed = await post(
        path,
        { placementId: 'p-3', occurredAt: '2026-06-03T10:00:00Z' },
        integration,
        { 'If-Match': 'W/"1"' },
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ code: 'invalid-if-match', field: 'If-Match' });
    });

    it('without If-Match, concurrent commands on one case all land: the handler decides again on conflict', async () => {
      const target = await post('/v1/cases', {
        cpr: cprFor('2010-03-03'),
        municipality: '461',
        occurredAt: '2026-06-01T10:00:00Z',
      });
      const responses = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          post(`/v1/cases/${target.body.caseId}/placements`, {
            placementId: `cc-${i}`,
            occurredAt: '2026-06-02T10:00:00Z',
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
      const read = await api.http
        .get(`/v1/cases/${target.body.caseId}`)
        .set('Authorization', `Bearer ${integration}`);
      expect(Object.keys(read.body.placements).sort()).toEqual(['cc-0', 'cc-1', 'cc-2', 'cc-3']);
    });
  });

  describe('reading a case', () => {
    it('shows state, open and closed obligations, the revision as ETag, and the CPR number masked', async () => {
      const response = await api.http.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${supervisor}`);
      expect(response.status).toBe(200);
      expect(response.headers.etag).toBe(`"${response.body.revision}"`);
      expect(response.body.municipality).toBe('101');
      expect(response.body.obligations.closed.length).toBeGreaterThan(0);
      expect(response.body.obligations.closed).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ruleId: 'NSR-CONVENE', status: 'fulfilled', onTime: true }),
        ]),
      );
      expect(response.body.person).toEqual({ cpr: '150608-4123', masked: false, birthDate: '2008-06-15' });
    });

    it("finds cases by CPR number in the body, within the caller's municipalities only", async () => {
      const found = await api.http
        .post('/v1/cases/lookup')
        .set('Authorization', `Bearer ${supervisor}`)
        .send({ cpr: '150608-4123' });
      expect(found.status).toBe(200);
      expect(found.body.cases).toEqual([{ caseId, municipality: '101', revision: expect.any(Number) }]);
      // The case moved to 101; the 461 integration no longer sees it.
      const gone = await api.http
        .post('/v1/cases/lookup')
        .set('Authorization', `Bearer ${integration}`)
        .send({ cpr: '1506084123' });
      expect(gone.body.cases).toEqual([]);
      const missing = await api.http.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${integration}`);
      expect(missing.status).toBe(404);
    });
  });
});
