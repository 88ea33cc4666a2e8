import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { historyData } from '../../apps/api/src/cases/case-history';
import { auditLines, cprFor, startTestApi, type TestApi } from '../support/api';
import { expectRefusal, isProblemJson, postAccepted, refusalOf } from '../support/api-requests';

jest.setTimeout(120_000);

interface HistoryEvent {
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}

interface LifeEntry {
  readonly kind: string;
  readonly at: string;
  readonly recordedAt: string;
  readonly revision: number;
  readonly by: string | null;
  readonly onTime?: boolean;
  readonly reason?: string;
  readonly justification?: string;
}

interface Obligation {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly status: string;
  readonly breached: boolean;
  readonly dueAt: string | null;
  readonly life: LifeEntry[];
}

const BIRTH_DATE = '2010-09-10';
const CPR = cprFor(BIRTH_DATE);
const MOTHER = 'Mette Kjærsgaard Jensen';
const AGREEMENT = 'Jens Vestergaard Holm drives him to school';
const CONVENE_1 = 'NSR-CONVENE:documentation:pol-1';
const CONVENE_2 = 'NSR-CONVENE:documentation:pol-2';
const CONVENE_3 = 'NSR-CONVENE:documentation:pol-3';
const HOLD = 'NSR-HOLD:council:c-1';

const keyIdOf = (token: string) => token.slice('fv_'.length, 'fv_'.length + 12);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GET /v1/cases/{caseId}/history on the real app over PostgreSQL. One case, built by real commands at a clock
 * pinned to 2026-03-25T12:00Z: a notification posted after its due (opened and breached at once), then the
 * convocation that answered it posted later still (a late fact: fulfilled on time in business time), a waiver,
 * a target-group assessment and a council held with names in its free texts.
 */
describe('case history (PostgreSQL)', () => {
  let api: TestApi;
  let tokens: Record<'i461' | 'sup461' | 'sup101' | 'auditor' | 'admin', string>;
  let caseId = '';
  let commands = 0;
  /** Between the notification and the late convocation, in record time. */
  let beforeConvocation = '';

  async function command(token: string, path: string, body: object): Promise<Response> {
    const response = await postAccepted(api, token, path, body, `cmd-${++commands}`);
    return response;
  }

  // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
  const history = (token: string, query: Record<string, string | string[]> = {}, id = caseId) =>
    api.http
      .get(`/v1/cases/${id}/history`)
      .query(query)
      .set('X-Audit-Purpose', 'Intern revision 2026')
      .set('Authorization', `Bearer ${token}`);

  const obligation = (response: Response, obligationId: string): Obligation | undefined =>
    (response.body.obligations as Obligation[]).find((o) => o.obligationId === obligationId);

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-03-25T12:00:00Z' });
    tokens = {
      i461: await api.key('integration', ['461']),
      sup461: await api.key('supervisor', ['461']),
      sup101: await api.key('supervisor', ['101']),
      auditor: await api.key('auditor', ['461']),
      admin: await api.key('admin', '*'),
    };
    const cases = `/v1/cases`;
    caseId = (
      await command(tokens.i461, cases, { cpr: CPR, municipality: '461', occurredAt: '2026-03-01T09:00:00Z' })
    ).body.caseId;
    // Received 10 March, due at the end of 17 March; posted on the 25th: opened and breached at once.
    await command(tokens.i461, `${cases}/${caseId}/police-notifications`, {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-10T10:00:00Z',
    });
    await pause(20);
    beforeConvocation = new Date().toISOString();
    await pause(20);
    // Convened on 12 March, within the 7 days, but only posted now.
    await command(tokens.i461, `${cases}/${caseId}/network-council/convocations`, {
      councilId: 'c-1',
      documentationId: 'pol-1',
      invitees: [{ role: 'youth' }, { role: 'custody-holder', description: MOTHER }],
      meetingDate: '2026-03-24',
      occurredAt: '2026-03-12T10:00:00Z',
    });
    await command(tokens.i461, `${cases}/${caseId}/police-notifications`, {
      documentationId: 'pol-2',
      kind: 'weekly-report',
      offenceCategories: ['theft'],
      occurredAt: '2026-03-20T10:00:00Z',
    });
    await command(tokens.sup461, `${cases}/${caseId}/obligations/${CONVENE_2}/waivers`, {
      justification: 'Handled by the neighbouring municipality',
      occurredAt: '2026-03-24T08:00:00Z',
    });
    await command(tokens.i461, `${cases}/${caseId}/police-notifications`, {
      documentationId: 'pol-3',
      kind: 'youth-list',
      offenceCategories: ['threats'],
      occurredAt: '2026-03-21T10:00:00Z',
    });
    await command(tokens.i461, `${cases}/${caseId}/police-notifications/pol-3/target-group-assessments`, {
      inTargetGroup: false,
      reasoning: 'Not suspected of serious crime',
      occurredAt: '2026-03-22T10:00:00Z',
    });
    await command(tokens.i461, `${cases}/${caseId}/network-council/c-1/held`, {
      participants: [{ role: 'youth' }, { role: 'custody-holder', description: MOTHER }],
      agreements: [AGREEMENT],
      occurredAt: '2026-03-24T10:00:00Z',
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lists every event by revision with business time, record time and actor', async () => {
    const response = await history(tokens.sup461).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const stored = await api.store.readStream(`case-${caseId}`);
    const events = response.body.events as HistoryEvent[];

    expect(response.body).toMatchObject({
      caseId,
      municipality: '461',
      revision: stored.length - 1,
      asOf: null,
      knownAt: null,
    });
    expect(events.map((e) => [e.revision, e.eventId, e.type, e.occurredAt, e.recordedAt, e.actor])).toEqual(
      stored.map((e) => [
        Number(e.revision),
        e.id,
        e.type,
        e.metadata.occurredAt,
        e.metadata.recordedAt,
        e.metadata.actor,
      ]),
    );
    expect(events.slice(0, 5).map((e) => e.type)).toEqual([
      'CaseOpened',
      'PoliceDocumentationReceived',
      'ObligationOpened',
      'ObligationBreached',
      'CouncilConvened',
    ]);
    expect(events.find((e) => e.type === 'ObligationWaived')?.actor).toBe(keyIdOf(tokens.sup461));
    expect(events[0].actor).toBe(keyIdOf(tokens.i461));
  });

  it("gives each obligation's life: opened, breached, fulfilled on time by a late fact; waived; cancelled", async () => {
    const response = await history(tokens.auditor).expect(200);
    const integration = keyIdOf(tokens.i461);

    // Business instants as the caller posted them; the computed ones (due, breach) as the domain wrote them.
    expect(obligation(response, CONVENE_1)).toEqual({
      obligationId: CONVENE_1,
      ruleId: 'NSR-CONVENE',
      title: expect.stringContaining('network council'),
      basis: 'statute',
      citation: expect.stringContaining('Barnets lov'),
      variant: 'barnets-lov',
      rulePack: { id: expect.any(String), version: expect.any(String) },
      subject: { kind: 'documentation', id: 'pol-1' },
      dueAt: '2026-03-17T23:00:00.000Z',
      status: 'fulfilled',
      breached: true,
      life: [
        {
          kind: 'opened',
          at: '2026-03-10T10:00:00Z',
          recordedAt: expect.any(String),
          revision: 2,
          by: integration,
        },
        {
          kind: 'breached',
          at: '2026-03-17T23:00:00.000Z',
          recordedAt: expect.any(String),
          revision: 3,
          by: null,
        },
        {
          kind: 'fulfilled',
          at: '2026-03-12T10:00:00Z',
          recordedAt: expect.any(String),
          revision: 5,
          by: integration,
          onTime: true,
        },
      ],
    });
    expect(obligation(response, CONVENE_2)).toMatchObject({
      status: 'waived',
      breached: false,
      life: [
        { kind: 'opened', at: '2026-03-20T10:00:00Z', by: integration },
        {
          kind: 'waived',
          at: '2026-03-24T08:00:00Z',
          by: keyIdOf(tokens.sup461),
          justification: 'Handled by the neighbouring municipality',
        },
      ],
    });
    expect(obligation(response, CONVENE_3)).toMatchObject({
      status: 'cancelled',
      life: [
        { kind: 'opened' },
        { kind: 'cancelled', at: '2026-03-22T10:00:00Z', reason: 'assessed as not in the target group' },
      ],
    });
    // Convened 12 March, due at the end of the 26th; posted on the 25th, inside the 2-day warning lead.
    expect(obligation(response, HOLD)).toMatchObject({
      status: 'fulfilled',
      life: [{ kind: 'opened' }, { kind: 'warned', by: null }, { kind: 'fulfilled', onTime: true }],
    });
    const revisions = (response.body.obligations as Obligation[]).map((o) => o.life[0].revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    for (const o of response.body.obligations as Obligation[]) {
      const steps = o.life.map((entry) => entry.revision);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
    }
  });

  it('with knownAt, shows the case as it was known then: the late convocation unknown, the obligation open and breached', async () => {
    const response = await history(tokens.auditor, { knownAt: beforeConvocation }).expect(200);
    const events = response.body.events as HistoryEvent[];

    expect(response.body).toMatchObject({ knownAt: beforeConvocation, asOf: null, revision: 3 });
    expect(events.map((e) => e.type)).toEqual([
      'CaseOpened',
      'PoliceDocumentationReceived',
      'ObligationOpened',
      'ObligationBreached',
    ]);
    expect(events.every((e) => Date.parse(e.recordedAt) <= Date.parse(beforeConvocation))).toBe(true);
    expect(obligation(response, CONVENE_1)).toMatchObject({
      status: 'open',
      breached: true,
      life: [{ kind: 'opened' }, { kind: 'breached' }],
    });
    expect(response.body.obligations).toHaveLength(1);

    // The same instant with an offset is the same question.
    const local = new Date(Date.parse(beforeConvocation) + 3_600_000).toISOString().replace('Z', '+01:00');
    const again = await history(tokens.auditor, { knownAt: local }).expect(200);
    expect(again.body.events).toEqual(events);
    expect(again.body.knownAt).toBe(beforeConvocation);

    const before = await history(tokens.auditor, { knownAt: '2020-01-01T00:00:00Z' }).expect(200);
    expect(before.body).toMatchObject({ revision: -1, events: [], obligations: [] });
  });

  it('with asOf, leaves out what occurred after it, however early it was recorded', async () => {
    // Before the convocation and the due: only the notification and its obligation, open.
    const early = await history(tokens.sup461, { asOf: '2026-03-11T00:00:00Z' }).expect(200);
    expect((early.body.events as HistoryEvent[]).map((e) => e.type)).toEqual([
      'CaseOpened',
      'PoliceDocumentationReceived',
      'ObligationOpened',
    ]);
    expect(early.body.obligations).toEqual([
      expect.objectContaining({ obligationId: CONVENE_1, status: 'open', breached: false }),
    ]);
    expect(early.body.asOf).toBe('2026-03-11T00:00:00.000Z');

    // After the convocation, before the due instant: fulfilled on time, and no breach yet.
    const convened = await history(tokens.sup461, { asOf: '2026-03-13T00:00:00+01:00' }).expect(200);
    const events = convened.body.events as HistoryEvent[];
    expect(events.every((e) => Date.parse(e.occurredAt) <= Date.parse('2026-03-12T23:00:00Z'))).toBe(true);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['CouncilConvened', 'ObligationFulfilled', 'ObligationOpened']),
    );
    expect(events.map((e) => e.type)).not.toContain('ObligationBreached');
    expect(events.map((e) => e.revision)).toEqual([...events.map((e) => e.revision)].sort((a, b) => a - b));
    expect(obligation(convened, CONVENE_1)).toMatchObject({
      status: 'fulfilled',
      breached: false,
      life: [{ kind: 'opened' }, { kind: 'fulfilled', onTime: true }],
    });
    expect(obligation(convened, CONVENE_2)).toBeUndefined();

    // Both: as known before the convocation was posted, about 13 March.
    const both = await history(tokens.sup461, {
      asOf: '2026-03-13T00:00:00Z',
      knownAt: beforeConvocation,
    }).expect(200);
    expect(obligation(both, CONVENE_1)).toMatchObject({
      status: 'open',
      breached: false,
      life: [{ kind: 'opened' }],
    });
  });

  it('shows no CPR number, ciphertext, lookup hash or name, and keeps ids, dates, codes and justifications', async () => {
    const stored = await api.store.readStream(`case-${caseId}`);
    const person = (stored[0].data as { person: { cprCiphertext: string; cprLookupHash: string } }).person;
    expect(person.cprCiphertext.length).toBeGreaterThan(10);

    for (const token of [tokens.sup461, tokens.admin, tokens.auditor, tokens.i461]) {
      const response = await history(token).expect(200);
      const text = response.text;
      for (const secret of [
        CPR,
        CPR.slice(0, 6),
        person.cprCiphertext,
        person.cprLookupHash,
        MOTHER,
        AGREEMENT,
      ]) {
        expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      }
      for (const field of ['cprCiphertext', 'cprLookupHash', 'person"', 'description', 'agreements"']) {
        expect({ field, found: text.includes(field) }).toEqual({ field, found: false });
      }
      const events = response.body.events as HistoryEvent[];
      expect(events[0].data).toEqual({
        caseId,
        municipality: '461',
        birthDate: BIRTH_DATE,
        personRecorded: true,
      });
      expect(events.find((e) => e.type === 'CouncilConvened')?.data).toEqual({
        councilId: 'c-1',
        documentationId: 'pol-1',
        invitees: [{ role: 'youth' }, { role: 'custody-holder' }],
        meetingDate: '2026-03-24',
      });
      expect(events.find((e) => e.type === 'CouncilHeld')?.data).toEqual({
        councilId: 'c-1',
        participants: [{ role: 'youth' }, { role: 'custody-holder' }],
        agreementCount: 1,
      });
      expect(events.find((e) => e.type === 'TargetGroupAssessed')?.data).toEqual({
        documentationId: 'pol-3',
        inTargetGroup: false,
        reasoning: 'Not suspected of serious crime',
      });
      expect(events.find((e) => e.type === 'ObligationWaived')?.data).toEqual({
        obligationId: CONVENE_2,
        by: { actorId: keyIdOf(tokens.sup461), role: 'supervisor' },
        justification: 'Handled by the neighbouring municipality',
      });
    }
    const logs = api.logs();
    for (const secret of [CPR, person.cprCiphertext, person.cprLookupHash, MOTHER, AGREEMENT]) {
      expect({ secret, inLogs: logs.includes(secret) }).toEqual({ secret, inLogs: false });
    }
  });

  it('shows nothing of an event type it does not list, and only the listed fields of one it does', () => {
    expect(historyData('SomethingNew', { cpr: CPR, name: MOTHER })).toEqual({});
    expect(
      historyData('StatusStatementSubmitted', {
        measureId: 'm-1',
        youthOwnWords: 'I like my contact person',
      }),
    ).toEqual({ measureId: 'm-1' });
    expect(
      historyData('PoliceDocumentationReceived', {
        documentationId: 'pol-9',
        kind: 'other',
        offenceCategories: ['other'],
        suspectName: MOTHER,
      }),
    ).toEqual({ documentationId: 'pol-9', kind: 'other', offenceCategories: ['other'] });
  });

  it('is visible exactly as GET /v1/cases/{caseId}: 404 outside the scope, like a missing case', async () => {
    const foreign = await history(tokens.sup101);
    const missing = await history(tokens.sup461, {}, randomUUID());
    for (const response of [foreign, missing]) {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('case-not-found');
      expect(isProblemJson(response)).toBe(true);
    }
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect(
      (await api.http.get(`/v1/cases/${caseId}`).set('Authorization', `Bearer ${tokens.sup101}`)).status,
    ).toBe(404);
    await history(tokens.i461).expect(200);
    await history(tokens.i461, {}, caseId.toUpperCase()).expect(200);
    await api.http.get(`/v1/cases/${caseId}/history`).expect(401);
  });

  it.each<[string, Record<string, string | string[]>, string, string]>([
    ['a date for asOf', { asOf: '2026-03-11' }, 'asOf', 'invalid-instant'],
    ['an instant without offset', { asOf: '2026-03-11T00:00:00' }, 'asOf', 'invalid-instant'],
    ['an impossible knownAt', { knownAt: '2026-02-30T00:00:00Z' }, 'knownAt', 'invalid-instant'],
    [
      'a repeated knownAt',
      { knownAt: ['2026-03-11T00:00:00Z', '2026-03-12T00:00:00Z'] },
      'knownAt',
      'invalid-instant',
    ],
    ['an unknown parameter', { at: '2026-03-11T00:00:00Z' }, 'at', 'unknown-field'],
  ])('refuses %s: 400 naming the parameter', async (_what, query, field, code) => {
    expectRefusal(await history(tokens.sup461, query), { status: 400, code, field });
  });

  it('refuses a case id that is not a UUID', async () => {
    const response = await history(tokens.sup461, {}, 'not-a-case');
    expect(refusalOf(response)).toEqual({
      status: 400,
      code: 'invalid-case-id',
      field: 'caseId',
    });
  });

  it("logs an auditor's read of a history with the case and the names of the parameters only", async () => {
    await history(tokens.auditor, { asOf: '2026-03-13T00:00:00Z' }).expect(200);
    await history(tokens.sup461, { knownAt: beforeConvocation }).expect(200);

    const audits = auditLines(api, 'case-history-read');
    expect(audits.at(-1)).toMatchObject({ keyId: keyIdOf(tokens.auditor), caseId, parameters: ['asOf'] });
    expect(audits.every((audit) => audit.keyId === keyIdOf(tokens.auditor))).toBe(true);
    const text = JSON.stringify(audits.map(({ time: _t, pid: _p, hostname: _h, ...rest }) => rest));
    expect(text).not.toContain('2026-03-13');
  });
});
