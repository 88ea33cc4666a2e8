import { cprFor, startTestApi, type TestApi } from '../support/api';
import { isProblemJson } from '../support/api-requests';

jest.setTimeout(60_000);

/** The service's clock; the youth was born 2008-06-15, the case opened 2026-01-02. */
const NOW = '2026-03-25T12:00:00Z';

interface Refusal {
  readonly name: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly status: number;
  readonly code: string;
  readonly field: string;
  /** Text the detail must carry (the earlier fact's kind and id). */
  readonly detail?: string;
}

const notification = (occurredAt: string, documentationId = 'pol-x') => ({
  documentationId,
  kind: 'interview-invitation',
  offenceCategories: ['robbery'],
  occurredAt,
});
const convocation = (occurredAt: string, meetingDate: string, councilId = 'c-x') => ({
  councilId,
  documentationId: 'pol-1',
  invitees: [{ role: 'youth' }],
  meetingDate,
  occurredAt,
});

/** Dates a hostile or careless integration sends; each answered 4xx with a stable code, nothing stored. */
const REFUSALS: readonly Refusal[] = [
  {
    name: 'a convocation on 9999-12-25 (its NSR-HOLD due falls in year 10000)',
    path: 'network-council/convocations',
    body: convocation('9999-12-25T10:00:00Z', '9999-12-30'),
    status: 422,
    code: 'occurred-in-future',
    field: 'occurredAt',
  },
  {
    name: 'a contact-person decision on 9999-12-20 (its CP-PLAN due falls in year 10000)',
    path: 'contact-person/decisions',
    body: { measureId: 'm-x', occurredAt: '9999-12-20T10:00:00Z' },
    status: 422,
    code: 'occurred-in-future',
    field: 'occurredAt',
  },
  {
    name: 'a notification at 9999-12-31T23:30Z, local date 10000-01-01',
    path: 'police-notifications',
    body: notification('9999-12-31T23:30:00Z'),
    status: 422,
    code: 'instant-out-of-range',
    field: 'occurredAt',
  },
  ...['2026-03-25T13:00:00Z', '2026-03-26T12:00:00Z', '2027-03-25T12:00:00Z', '2099-03-25T12:00:00Z'].map(
    (occurredAt) => ({
      name: `a police notification dated ${occurredAt}, ahead of the clock`,
      path: 'police-notifications',
      body: notification(occurredAt),
      status: 422,
      code: 'occurred-in-future',
      field: 'occurredAt',
    }),
  ),
  ...['0001-01-01T10:00:00Z', '1899-06-01T10:00:00Z'].map((occurredAt) => ({
    name: `a police notification in ${occurredAt.slice(0, 4)}`,
    path: 'police-notifications',
    body: notification(occurredAt),
    status: 422,
    code: 'occurred-before-earliest-date',
    field: 'occurredAt',
  })),
  {
    name: "a placement the day before the youth's birth",
    path: 'placements',
    body: { placementId: 'pl-x', occurredAt: '2008-06-14T10:00:00Z' },
    status: 422,
    code: 'occurred-before-birth',
    field: 'occurredAt',
  },
  {
    name: 'a convocation dated 5 days before the police documentation it answers',
    path: 'network-council/convocations',
    body: convocation('2026-03-15T10:00:00Z', '2026-03-25'),
    status: 422,
    code: 'precedes-its-cause',
    field: 'occurredAt',
    detail: 'PoliceDocumentationReceived pol-1',
  },
  {
    name: 'a council held before its convocation',
    path: 'network-council/c-1/held',
    body: { participants: [{ role: 'youth' }], agreements: [], occurredAt: '2026-03-21T09:00:00Z' },
    status: 422,
    code: 'precedes-its-cause',
    field: 'occurredAt',
    detail: 'CouncilConvened c-1',
  },
  {
    name: 'a meeting planned for 2999-01-01',
    path: 'network-council/convocations',
    body: convocation('2026-03-22T10:00:00Z', '2999-01-01'),
    status: 422,
    code: 'planned-date-too-far-ahead',
    field: 'meetingDate',
  },
];

describe('implausible dates (PostgreSQL)', () => {
  let api: TestApi;
  let token: string;
  let caseId: string;
  let keys = 0;

  const post = (path: string, body: unknown) =>
    api.http
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', `dates-${++keys}`)
      .send(body as object);

  beforeAll(async () => {
    api = await startTestApi({ now: NOW });
    token = await api.key('integration', ['461']);
    const opened = await post('/v1/cases', {
      cpr: cprFor('2008-06-15'),
      municipality: '461',
      occurredAt: '2026-01-02T09:00:00Z',
    });
    expect(opened.status).toBe(201);
    caseId = opened.body.caseId;
    for (const [path, body] of [
      ['police-notifications', notification('2026-03-20T10:00:00Z', 'pol-1')],
      ['network-council/convocations', convocation('2026-03-21T10:00:00Z', '2026-03-28', 'c-1')],
    ] as const) {
      expect((await post(`/v1/cases/${caseId}/${path}`, body)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each(REFUSALS)('refuses $name: $status $code naming $field, storing nothing', async (refusal) => {
    const before = await api.eventCount();
    const response = await post(`/v1/cases/${caseId}/${refusal.path}`, refusal.body);

    expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({
      status: refusal.status,
      code: refusal.code,
      field: refusal.field,
    });
    expect(isProblemJson(response)).toBe(true);
    if (refusal.detail !== undefined) expect(response.body.detail).toContain(refusal.detail);
    expect(await api.eventCount()).toBe(before);
  });

  it('accepts a fact at the edge of the clock-skew tolerance (5 minutes) and refuses one a second later', async () => {
    const late = await post(`/v1/cases/${caseId}/police-notifications`, notification('2026-03-25T12:05:01Z'));
    expect({ status: late.status, code: late.body.code }).toEqual({
      status: 422,
      code: 'occurred-in-future',
    });
    const edge = await post(`/v1/cases/${caseId}/police-notifications`, notification('2026-03-25T12:05:00Z'));
    expect(edge.status).toBe(201);
  });

  it('refuses a case opened for a CPR number whose birth date is in the future', async () => {
    const before = await api.eventCount();
    // 7th digit 4 and year 30: born 1 January 2030.
    const response = await post('/v1/cases', {
      cpr: cprFor('2030-01-01'),
      municipality: '461',
      occurredAt: '2026-03-25T10:00:00Z',
    });
    expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({
      status: 422,
      code: 'occurred-before-birth',
      field: 'occurredAt',
    });
    expect(response.text).not.toContain('010130');
    expect(await api.eventCount()).toBe(before);
  });

  it.each([
    ['NSR-CONVENE', 'from=9999-12-30T10:00:00Z', 'from'],
    ['NSR-CONVENE', 'from=9999-12-31T23:30:00Z', 'from'],
    ['CP-PLAN', 'from=9999-12-20T10:00:00Z', 'from'],
  ])(
    'answers GET /v1/rules/%s/due?%s with 422 instant-out-of-range naming %s',
    async (rule, query, field) => {
      const response = await api.http
        .get(`/v1/rules/${rule}/due?${query}`)
        .set('Authorization', `Bearer ${token}`);

      expect(isProblemJson(response)).toBe(true);
      expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({
        status: 422,
        code: 'instant-out-of-range',
        field,
      });
    },
  );

  it('answers POST /v1/rules/AC-END/due with a birth date in 9990 with 422 instant-out-of-range naming birthDate', async () => {
    const response = await api.http
      .post('/v1/rules/AC-END/due')
      .set('Authorization', `Bearer ${token}`)
      .send({ from: '2026-03-25T10:00:00Z', birthDate: '9990-01-01' });

    expect(isProblemJson(response)).toBe(true);
    expect({ status: response.status, code: response.body.code, field: response.body.field }).toEqual({
      status: 422,
      code: 'instant-out-of-range',
      field: 'birthDate',
    });
  });

  it('logged no request as failed', () => {
    expect(api.logs()).not.toContain('request failed');
    expect(api.logs()).not.toContain('internal-error');
  });
});

describe('plausible-time settings from the environment (PostgreSQL)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ now: NOW, env: { FACT_CLOCK_SKEW: '0', EARLIEST_FACT_DATE: '2026-01-01' } });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('applies FACT_CLOCK_SKEW and EARLIEST_FACT_DATE to every command', async () => {
    const token = await api.key('integration', ['461']);
    const post = (path: string, body: unknown, key: string) =>
      api.http
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', key)
        .send(body as object);
    const opened = await post(
      '/v1/cases',
      { cpr: cprFor('2008-06-15'), municipality: '461', occurredAt: '2026-01-02T09:00:00Z' },
      'open',
    );
    expect(opened.status).toBe(201);
    const path = `/v1/cases/${opened.body.caseId}/police-notifications`;
    const before = await api.eventCount();

    const ahead = await post(path, notification('2026-03-25T12:00:01Z'), 'ahead');
    expect({ status: ahead.status, code: ahead.body.code }).toEqual({
      status: 422,
      code: 'occurred-in-future',
    });
    const early = await post(path, notification('2025-12-31T10:00:00Z'), 'early');
    expect({ status: early.status, code: early.body.code }).toEqual({
      status: 422,
      code: 'occurred-before-earliest-date',
    });
    expect(await api.eventCount()).toBe(before);
    expect((await post(path, notification(NOW), 'now')).status).toBe(201);
  });
});
