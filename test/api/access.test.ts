import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import { API_ROLES, type ApiRole } from '../../apps/api/src/access/principal';
import { cprFor, startTestApi, type TestApi } from '../support/api';

jest.setTimeout(60_000);

type Scope = 'own' | 'other' | 'all';
const SCOPES: Record<Scope, readonly string[] | '*'> = { own: ['461'], other: ['101'], all: '*' };
const MAY_WRITE: readonly ApiRole[] = ['integration', 'admin'];

/**
 * Every role in every scope against one read (GET a case of 461) and one write (a police notification on it).
 * A case outside the key's municipalities must look exactly like a case that does not exist.
 */
describe('access: roles and municipalities', () => {
  let api: TestApi;
  let caseId: string;
  let writes = 0;

  beforeAll(async () => {
    api = await startTestApi({ now: '2026-03-25T12:00:00Z' });
    const token = await api.key('integration', ['461']);
    const opened = await api.http
      .post('/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'open')
      .send({ cpr: cprFor('2010-03-01'), municipality: '461', occurredAt: '2026-03-20T10:00:00Z' });
    caseId = opened.body.caseId;
  });

  afterAll(async () => {
    await api?.close();
  });

  const read = (authorization: string | undefined, id = caseId) => {
    // Auditors state a purpose with every read (issue 13); other roles' requests ignore the header.
    const call = api.http.get(`/v1/cases/${id}`).set('X-Audit-Purpose', 'Intern revision 2026');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };
  const write = (authorization: string | undefined, id = caseId) => {
    const call = api.http
      .post(`/v1/cases/${id}/police-notifications`)
      .set('Idempotency-Key', `w-${++writes}`)
      .send({
        documentationId: `pol-${writes}`,
        kind: 'youth-list',
        offenceCategories: ['theft'],
        occurredAt: '2026-03-25T10:00:00Z',
      });
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  const combinations = API_ROLES.flatMap((role) =>
    (Object.keys(SCOPES) as Scope[]).map((scope) => ({ role, scope })),
  );

  it.each(combinations)('GET a case as $role scoped to $scope municipalities', async ({ role, scope }) => {
    const token = await api.key(role, SCOPES[scope]);
    const response = await read(`Bearer ${token}`);
    if (scope === 'other') {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('case-not-found');
      // Indistinguishable from a case that does not exist.
      const missing = await read(`Bearer ${token}`, '00000000-0000-4000-8000-000000000000');
      expect({ status: missing.status, body: missing.body }).toEqual({
        status: response.status,
        body: response.body,
      });
    } else {
      expect(response.status).toBe(200);
      expect(response.body.caseId).toBe(caseId);
    }
  });

  it.each(combinations)(
    'POST a police notification as $role scoped to $scope municipalities',
    async ({ role, scope }) => {
      const token = await api.key(role, SCOPES[scope]);
      const before = await api.eventCount();
      const response = await write(`Bearer ${token}`);
      const expected = !MAY_WRITE.includes(role)
        ? [403, 'forbidden-role']
        : scope === 'other'
          ? [404, 'case-not-found']
          : [201, undefined];
      expect([response.status, response.body.code]).toEqual(expected);
      const after = await api.eventCount();
      expect(after > before).toBe(response.status === 201);
    },
  );

  it('answers 401 without a key, with a malformed key, an unknown key and a revoked key', async () => {
    const keys = api.running.app.get<ApiKeyStore>(API_KEY_STORE);
    const issued = await keys.create({ role: 'admin', municipalities: '*' }, api.clock.now());
    await keys.revoke(issued.record.keyId, api.clock.now());
    const unknown = `fv_AAAAAAAAAAAA_${'x'.repeat(43)}`;
    for (const authorization of [
      undefined,
      'Bearer',
      'Basic dXNlcjpwYXNz',
      'Bearer not-a-key',
      `Bearer ${unknown}`,
      `Bearer ${issued.token}`,
    ]) {
      for (const response of [await read(authorization), await write(authorization)]) {
        expect(response.status).toBe(401);
        expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(['unauthenticated', 'invalid-api-key']).toContain(response.body.code);
      }
    }
  });

  it('lets only supervisors waive obligations', async () => {
    const path = `/v1/cases/${caseId}/obligations/NSR-CONVENE:documentation:pol-1/waivers`;
    const body = { justification: 'The youth moved abroad', occurredAt: '2026-03-25T11:00:00Z' };
    const integration = await api.key('integration', ['461']);
    const refused = await api.http
      .post(path)
      .set('Authorization', `Bearer ${integration}`)
      .set('Idempotency-Key', 'waive-1')
      .send(body);
    expect([refused.status, refused.body.code]).toEqual([403, 'forbidden-role']);
    const supervisor = await api.key('supervisor', ['461']);
    const waived = await api.http
      .post(path)
      .set('Authorization', `Bearer ${supervisor}`)
      .set('Idempotency-Key', 'waive-1')
      .send(body);
    expect(waived.status).toBe(201);
    expect(waived.body.obligations.waived).toEqual([
      {
        obligationId: 'NSR-CONVENE:documentation:pol-1',
        ruleId: 'NSR-CONVENE',
        dueAt: '2026-04-01T22:00:00.000Z',
        justification: body.justification,
      },
    ]);
  });

  it("forbids opening a case in a municipality outside the key's scope", async () => {
    const token = await api.key('integration', ['461']);
    const response = await api.http
      .post('/v1/cases')
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', 'elsewhere')
      .send({ cpr: cprFor('2010-03-01'), municipality: '101', occurredAt: '2026-03-20T10:00:00Z' });
    expect([response.status, response.body.code, response.body.field]).toEqual([
      403,
      'municipality-out-of-scope',
      'municipality',
    ]);
  });

  it('masks the CPR number for integration and auditor keys and shows it to supervisors and admins', async () => {
    const seen: Record<string, string> = {};
    for (const role of API_ROLES) {
      const response = await read(`Bearer ${await api.key(role, ['461'])}`);
      seen[role] = response.body.person.cpr;
    }
    expect(seen).toEqual({
      integration: '010310-XXXX',
      auditor: '010310-XXXX',
      supervisor: '010310-4123',
      admin: '010310-4123',
    });
  });

  it('logs every auditor read, naming the key and the case but not the person', async () => {
    const token = await api.key('auditor', ['461']);
    await read(`Bearer ${token}`);
    const keyId = token.split('_')[1];
    const audit = api
      .logs()
      .split('\n')
      .filter((line) => line.includes('"audit":"case-read"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ keyId, caseId })]));
  });
});
