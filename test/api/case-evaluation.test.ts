import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { AUDITOR_READ_RECORDED } from '@fristvagt/audit';
import { auditLines, cprFor, startTestApi, type TestApi } from '../support/api';
import { allEvents, expectRefusal, postAccepted, refusalOf } from '../support/api-requests';

jest.setTimeout(120_000);

const NOW = '2024-05-01T00:00:00.000Z';
const SEL_FOLLOW_UP = 'CP-FOLLOWUP-N:measure:m-1:2';
const BL_FOLLOW_UP = 'CP-FOLLOWUP-N:measure:m-1:3';
const PURPOSE = 'Ankestyrelsen, praksisundersøgelse 2024';

interface Side {
  readonly variant: string;
  readonly basis: string;
  readonly citation: string;
  readonly rulePack: { id: string; version: string };
  readonly dueAt: string | null;
  readonly dueDate: string | null;
  readonly strictDueAt: string | null;
  readonly rolledDueAt: string | null;
  readonly status: string;
  readonly wasBreached: boolean;
  readonly onTime: boolean | null;
}

interface BothSides {
  readonly obligationId: string;
  readonly ruleId: string;
  readonly fields: string[];
  readonly baseline: Side;
  readonly compared: Side;
}

/**
 * GET /v1/cases/{caseId}/evaluation on the real app over PostgreSQL, clock pinned to 1 May 2024. One case in
 * København (101): a contact person started under Serviceloven in June 2023, followed up in September 2023
 * (SEL § 70: the next follow-up 6 months on, 2 March 2024, a Saturday, whatever interval is recorded) and in
 * February 2024 (Barnets lov § 95: the 4 months the municipality set then, 22 June 2024, also a Saturday).
 * Odense (461) rolls CP-FOLLOWUP-N forward to the next working day; København switches that on from 1 April 2024.
 */
describe('case re-evaluation (PostgreSQL)', () => {
  let api: TestApi;
  let tokens: Record<'i101' | 'sup101' | 'sup461' | 'auditor' | 'admin', string>;
  let caseId = '';
  let commands = 0;

  const command = (token: string, path: string, body: object) =>
    postAccepted(api, token, path, body, `cmd-${++commands}`);

  const evaluation = (
    token: string,
    query: Record<string, string | string[]> = {},
    id = caseId,
    purpose: string | null = PURPOSE,
  ) => {
    const request = api.http
      .get(`/v1/cases/${id}/evaluation`)
      .query(query)
      .set('Authorization', `Bearer ${token}`);
    return purpose === null ? request : request.set('X-Audit-Purpose', encodeURIComponent(purpose));
  };

  const moved = (response: Response, obligationId: string): BothSides | undefined =>
    (response.body.moved as BothSides[]).find((m) => m.obligationId === obligationId);

  beforeAll(async () => {
    api = await startTestApi({ now: NOW });
    tokens = {
      i101: await api.key('integration', ['101']),
      sup101: await api.key('supervisor', ['101']),
      sup461: await api.key('supervisor', ['461']),
      auditor: await api.key('auditor', ['101', '461']),
      admin: await api.key('admin', '*'),
    };
    await command(tokens.admin, '/v1/municipalities/461/settings', {
      effectiveFrom: '2023-01-01',
      rollForward: ['CP-FOLLOWUP-N'],
    });
    await command(tokens.admin, '/v1/municipalities/101/settings', {
      effectiveFrom: '2024-04-01',
      rollForward: ['CP-FOLLOWUP-N'],
    });
    caseId = (
      await command(tokens.i101, '/v1/cases', {
        cpr: cprFor('2008-04-15'),
        municipality: '101',
        occurredAt: '2023-03-01T09:00:00Z',
      })
    ).body.caseId;
    const measure = `/v1/cases/${caseId}/contact-person`;
    await command(tokens.i101, `${measure}/decisions`, {
      measureId: 'm-1',
      occurredAt: '2023-05-01T09:00:00Z',
    });
    await command(tokens.i101, `${measure}/m-1/start`, { occurredAt: '2023-06-05T08:00:00Z' });
    await command(tokens.i101, `${measure}/m-1/follow-ups`, {
      nextIntervalMonths: 3,
      occurredAt: '2023-09-02T10:00:00Z',
    });
    await command(tokens.i101, `${measure}/m-1/follow-ups`, {
      nextIntervalMonths: 4,
      occurredAt: '2024-02-22T10:00:00Z',
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('without parameters the case evaluates as recorded: nothing differs, and the SEL and Barnets lov dues are as the law counts them', async () => {
    const response = await evaluation(tokens.sup101).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      caseId,
      now: NOW,
      baseline: {
        rulePack: { id: 'dk-youth', version: '2026.2' },
        municipality: null,
        settingsAt: null,
        obligations: expect.any(Number),
      },
      compared: {
        rulePack: { id: 'dk-youth', version: '2026.2' },
        municipality: null,
        settingsAt: null,
        obligations: response.body.baseline.obligations,
      },
      same: true,
      added: [],
      removed: [],
      moved: [],
      changed: [],
    });
    // The re-derived dues match what the case recorded (København's roll-forward starts only in April 2024).
    const recorded = await api.http
      .get(`/v1/cases/${caseId}`)
      .set('Authorization', `Bearer ${tokens.sup101}`)
      .expect(200);
    const all = [...recorded.body.obligations.open, ...recorded.body.obligations.closed] as Array<{
      obligationId: string;
      variant: string;
      dueAt: string;
    }>;
    expect(all.find((o) => o.obligationId === SEL_FOLLOW_UP)).toMatchObject({
      variant: 'sel-70',
      dueAt: '2024-03-02T23:00:00.000Z',
    });
    expect(all.find((o) => o.obligationId === BL_FOLLOW_UP)).toMatchObject({
      variant: 'barnets-lov-95',
      dueAt: '2024-06-22T22:00:00.000Z',
    });
  });

  it('under dk-youth@2026.1 and Odense’s settings: both follow-ups move to Monday, with the rule and citation on both sides', async () => {
    const response = await evaluation(tokens.auditor, {
      rulePack: 'dk-youth@2026.1',
      municipality: '461',
    }).expect(200);

    expect(response.body.compared).toMatchObject({
      rulePack: { id: 'dk-youth', version: '2026.1' },
      municipality: '461',
      settingsAt: null,
    });
    expect(response.body).toMatchObject({ same: false, added: [], removed: [] });
    expect(response.body.moved).toEqual([
      {
        obligationId: SEL_FOLLOW_UP,
        ruleId: 'CP-FOLLOWUP-N',
        subject: { kind: 'measure', id: 'm-1' },
        fields: ['dueAt', 'dueDate', 'rolledDueAt', 'citation'],
        baseline: {
          variant: 'sel-70',
          basis: 'statute',
          citation: 'Serviceloven § 70 (after the first follow-up, at most every 6 months)',
          rulePack: { id: 'dk-youth', version: '2026.2' },
          dueAt: '2024-03-02T23:00:00.000Z',
          dueDate: '2024-03-02',
          strictDueAt: '2024-03-02T23:00:00.000Z',
          rolledDueAt: null,
          status: 'fulfilled',
          wasBreached: false,
          onTime: true,
        },
        compared: {
          variant: 'sel-70',
          basis: 'statute',
          citation: 'Serviceloven § 70',
          rulePack: { id: 'dk-youth', version: '2026.1' },
          dueAt: '2024-03-04T23:00:00.000Z',
          dueDate: '2024-03-04',
          strictDueAt: '2024-03-02T23:00:00.000Z',
          rolledDueAt: '2024-03-04T23:00:00.000Z',
          status: 'fulfilled',
          wasBreached: false,
          onTime: true,
        },
      },
      {
        obligationId: BL_FOLLOW_UP,
        ruleId: 'CP-FOLLOWUP-N',
        subject: { kind: 'measure', id: 'm-1' },
        fields: ['dueAt', 'dueDate', 'rolledDueAt', 'citation'],
        baseline: {
          variant: 'barnets-lov-95',
          basis: 'statute',
          citation:
            'Barnets lov § 95, stk. 3 (the municipality decides the further follow-up at the first one)',
          rulePack: { id: 'dk-youth', version: '2026.2' },
          dueAt: '2024-06-22T22:00:00.000Z',
          dueDate: '2024-06-22',
          strictDueAt: '2024-06-22T22:00:00.000Z',
          rolledDueAt: null,
          status: 'open',
          wasBreached: false,
          onTime: null,
        },
        compared: {
          variant: 'barnets-lov-95',
          basis: 'statute',
          citation: 'Barnets lov § 95',
          rulePack: { id: 'dk-youth', version: '2026.1' },
          dueAt: '2024-06-24T22:00:00.000Z',
          dueDate: '2024-06-24',
          strictDueAt: '2024-06-22T22:00:00.000Z',
          rolledDueAt: '2024-06-24T22:00:00.000Z',
          status: 'open',
          wasBreached: false,
          onTime: null,
        },
      },
    ]);
    expect(
      (response.body.changed as BothSides[]).map((c) => [
        c.obligationId,
        c.fields,
        c.baseline.citation,
        c.compared.citation,
      ]),
    ).toEqual([
      [
        'AC-ASSESS:case',
        ['citation'],
        'Serviceloven § 76 / Barnets lov §§ 113-116 (ungestøtte, target group § 114); guidance for youths with a fixed contact person',
        'Serviceloven § 76 / Barnets lov (ungestøtte); guidance for youths with a fixed contact person',
      ],
      [
        'CP-FOLLOWUP-1:measure:m-1',
        ['citation'],
        'Serviceloven § 70 (first follow-up no later than 3 months after the start)',
        'Serviceloven § 70',
      ],
    ]);
  });

  it('settingsAt applies the settings of that date to every fact: København’s roll-forward from April 2024 would have moved both follow-ups', async () => {
    const after = await evaluation(tokens.sup101, { settingsAt: '2024-04-01' }).expect(200);
    expect(after.body.compared).toMatchObject({ municipality: null, settingsAt: '2024-04-01' });
    expect((after.body.moved as BothSides[]).map((m) => [m.obligationId, m.fields])).toEqual([
      [SEL_FOLLOW_UP, ['dueAt', 'dueDate', 'rolledDueAt']],
      [BL_FOLLOW_UP, ['dueAt', 'dueDate', 'rolledDueAt']],
    ]);
    expect(moved(after, BL_FOLLOW_UP)?.compared.dueAt).toBe('2024-06-24T22:00:00.000Z');
    expect(after.body.changed).toEqual([]);

    const before = await evaluation(tokens.sup101, { settingsAt: '2024-03-31' }).expect(200);
    expect(before.body.same).toBe(true);
  });

  it('an auditor states a purpose: without one 400, with one the read is recorded and logged', async () => {
    expectRefusal(await evaluation(tokens.auditor, {}, caseId, null), {
      status: 400,
      code: 'purpose-required',
      field: 'purpose',
    });
    await evaluation(tokens.auditor, { rulePack: 'dk-youth@2026.1' }).expect(200);
    // The purpose as a parameter is taken off the query before the route's own checks.
    await evaluation(tokens.auditor, { municipality: '461', purpose: PURPOSE }, caseId, null).expect(200);
    const records = (await allEvents(api.store))
      .filter((e) => e.type === AUDITOR_READ_RECORDED)
      .map((e) => e.data as { route: string; caseId: string | null; parameters: string[]; purpose: string });
    expect(records).toContainEqual(
      expect.objectContaining({
        route: '/v1/cases/:caseId/evaluation',
        caseId,
        parameters: ['rulePack'],
        purpose: PURPOSE,
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ route: '/v1/cases/:caseId/evaluation', parameters: ['municipality'] }),
    );
    expect(auditLines(api, 'case-evaluation')).toContainEqual(
      expect.objectContaining({ caseId, parameters: ['rulePack'] }),
    );
  });

  it('every role may read it within its scope; another municipality’s case is 404 like GET /v1/cases/{caseId}', async () => {
    await evaluation(tokens.i101).expect(200);
    await evaluation(tokens.admin, { rulePack: 'dk-youth@2026.2' }).expect(200);
    expectRefusal(await evaluation(tokens.sup461), { status: 404, code: 'case-not-found', field: undefined });
    expectRefusal(await evaluation(tokens.sup101, {}, randomUUID()), {
      status: 404,
      code: 'case-not-found',
      field: undefined,
    });
  });

  it('refuses odd input with 400 naming the field, a municipality out of scope with 403, and stores nothing', async () => {
    const count = await api.eventCount();
    const refusals: Array<[Record<string, string | string[]>, number, string, string]> = [
      [{ rulePack: 'dk-youth@2025.9' }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: 'other@2026.2' }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: '2026.1' }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: '' }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: '@' }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: 'x'.repeat(5000) }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ rulePack: ['dk-youth@2026.1', 'dk-youth@2026.2'] }, 400, 'unknown-rule-pack', 'rulePack'],
      [{ municipality: '46' }, 400, 'invalid-municipality', 'municipality'],
      [{ municipality: '0101' }, 400, 'invalid-municipality', 'municipality'],
      [{ municipality: '851' }, 403, 'municipality-out-of-scope', 'municipality'],
      [{ settingsAt: '2024-02-30' }, 400, 'invalid-date', 'settingsAt'],
      [{ settingsAt: '2024-04-01T00:00:00Z' }, 400, 'invalid-date', 'settingsAt'],
    ];
    for (const [query, status, code, field] of refusals) {
      const response = await evaluation(tokens.sup101, query);
      expect({ query, ...refusalOf(response) }).toEqual({ query, status, code, field });
    }
    expectRefusal(await evaluation(tokens.sup101, { verbose: 'true' }), {
      status: 400,
      code: 'unknown-field',
      field: 'verbose',
    });
    expectRefusal(await evaluation(tokens.sup101, {}, 'not-a-case'), {
      status: 400,
      code: 'invalid-case-id',
      field: 'caseId',
    });
    expect(await api.eventCount()).toBe(count);
  });

  it('is in the OpenAPI document with its parameters, their examples and its problems', async () => {
    const document = (await api.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const get = document.paths['/v1/cases/{caseId}/evaluation']?.get as {
      parameters: Array<{ name: string; in: string; schema: { example?: unknown } }>;
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    };
    expect(get).toBeDefined();
    expect(get.parameters.map((p) => [p.in, p.name, p.in === 'query' ? p.schema.example : 'path'])).toEqual(
      expect.arrayContaining([
        ['path', 'caseId', 'path'],
        ['query', 'rulePack', 'dk-youth@2026.1'],
        ['query', 'municipality', '461'],
        ['query', 'settingsAt', '2026-06-01'],
      ]),
    );
    expect(get.responses['200'].content?.['application/json'].schema.$ref).toMatch(/CaseEvaluation$/);
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });
});
