import { openNotifiedCase, startTestApi, type TestApi } from '../support/api';
import { isProblemJson, refusalOf } from '../support/api-requests';
import { withoutRandomIds } from '../support/cpr-scan';

jest.setTimeout(60_000);

/** Born 1 March 2010; the serial is chosen so that no port, id or timestamp of the run contains it. */
const CPR = '010310-4827';
/** The forms of CPR above that people type, and that must never come back in an answer or a log line. */
const WRITTEN = [
  '0103104827',
  '010310-4827',
  '010310 4827',
  '010310\u20134827',
  '01.03.10-4827',
  '01.03.10 4827',
  '01/03/10-4827',
];
/** Any of them in text: the serial next to the date, or the date written out. */
const LEAK = /4827|0103\D?10|01\.03\.10|01\/03\/10/;

describe('CPR numbers in paths, queries and free text (PostgreSQL)', () => {
  let api: TestApi;
  let token: string;
  let caseId: string;
  let logsBefore = 0;
  let keys = 0;

  beforeAll(async () => {
    api = await startTestApi();
    token = await api.key('integration', ['461']);
    caseId = await openNotifiedCase(api, token);
    logsBefore = api.logs().length;
  });

  afterAll(async () => {
    await api?.close();
  });

  const routes: ReadonlyArray<[string, string]> = [
    ['GET', `/v1/persons/${CPR}`],
    ['GET', `/v1/persons/${encodeURIComponent('010310 4827')}`],
    ['GET', `/v1/persons/${encodeURIComponent('01.03.10-4827')}`],
    ['GET', `/v1/cases?cpr=${CPR}`],
    ['GET', `/v1/persons?cpr=${encodeURIComponent('010310\u20134827')}`],
    ['DELETE', `/v1/cases/${CPR}`],
    ['DELETE', `/v1/cases/${CPR.replace('-', '')}`],
  ];

  describe.each([
    ['without a token', undefined],
    ['with a token', 'valid'],
  ])('an unknown route %s', (_with, auth) => {
    it.each(routes)(
      '%s %s answers 404 route-not-found without repeating the path or query',
      async (method, path) => {
        let call = method === 'GET' ? api.http.get(path) : api.http.delete(path);
        if (auth !== undefined) call = call.set('Authorization', `Bearer ${token}`);
        const response = await call;

        expect(response.status).toBe(404);
        expect(isProblemJson(response)).toBe(true);
        expect(response.body).toEqual({
          type: 'urn:fristvagt:problem:route-not-found',
          title: 'Not Found',
          status: 404,
          detail: 'No route of this API matches the method and path.',
          code: 'route-not-found',
        });
        expect(withoutRandomIds(response.text)).not.toMatch(LEAK);
        expect(withoutRandomIds(JSON.stringify(response.headers))).not.toMatch(LEAK);
      },
    );
  });

  it.each(WRITTEN)('refuses free text holding %j as cpr-in-free-text, storing nothing', async (written) => {
    const before = await api.eventCount();
    const response = await api.http
      .post(`/v1/cases/${caseId}/police-notifications/pol-1/target-group-assessments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', `assess-${++keys}`)
      .send({
        inTargetGroup: false,
        reasoning: `Forveksling: den mistænkte er en anden (${written}), ikke den unge`,
        occurredAt: '2026-03-21T10:00:00Z',
      });

    expect(refusalOf(response)).toEqual({
      status: 400,
      code: 'cpr-in-free-text',
      field: 'reasoning',
    });
    expect(withoutRandomIds(response.text)).not.toMatch(LEAK);
    expect(await api.eventCount()).toBe(before);
  });

  it.each(WRITTEN)(
    'refuses %j sent as the NAME of a query parameter or a body field without repeating it',
    async (written) => {
      const before = await api.eventCount();
      const query = await api.http
        .get(`/v1/obligations?${encodeURIComponent(written)}=1`)
        .set('Authorization', `Bearer ${token}`);
      expect(refusalOf(query)).toMatchObject({ status: 400, code: 'unknown-field' });
      expect(withoutRandomIds(query.text)).not.toMatch(LEAK);

      const body = await api.http
        .post(`/v1/cases/${caseId}/police-notifications/pol-1/target-group-assessments`)
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', `assess-name-${++keys}`)
        .send({
          inTargetGroup: false,
          reasoning: 'Ikke mistænkt',
          occurredAt: '2026-03-21T10:00:00Z',
          [written]: 1,
        });
      expect(refusalOf(body)).toMatchObject({ status: 400, code: 'unknown-field' });
      expect(withoutRandomIds(body.text)).not.toMatch(LEAK);
      expect(await api.eventCount()).toBe(before);
    },
  );

  it('accepts ordinary Danish text with dates and phone numbers', async () => {
    const response = await api.http
      .post(`/v1/cases/${caseId}/police-notifications/pol-1/target-group-assessments`)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'assess-ordinary')
      .send({
        inTargetGroup: false,
        reasoning: 'Mødet 01.03.2026 kl. 10 med mor (tlf. 12 34 56 78): anmeldelsen var en fejl',
        occurredAt: '2026-03-21T10:00:00Z',
      });
    expect(response.status).toBe(201);
  });

  it('wrote no log line with any of these CPR numbers, and none with the paths', () => {
    const lines = api.logs().slice(logsBefore);
    expect(withoutRandomIds(lines)).not.toMatch(LEAK);
    expect(lines).not.toContain('/v1/persons');
    expect(lines).not.toContain('request failed');
  });
});
