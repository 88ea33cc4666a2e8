import { startTestApi, type TestApi } from '../support/api';

/** A few connections are plenty for these tests; the server is shared with other test files. */
const SMALL_POOL = { DATABASE_POOL_SIZE: '4' };

jest.setTimeout(60_000);

/** Issue 13's endpoints in the OpenAPI document: tags, security, parameters, problems and the CSV media type. */
describe('OpenAPI document: audit endpoints', () => {
  let api: TestApi;
  let document: {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: {
      schemas: Record<string, { properties: Record<string, unknown> }>;
      securitySchemes: Record<string, { description: string }>;
    };
  };

  beforeAll(async () => {
    api = await startTestApi({ env: SMALL_POOL });
    document = (await api.http.get('/docs-json').expect(200)).body;
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each<[string, string, string[], string]>([
    [
      '/v1/audit/access-log',
      'audit',
      ['auditor', 'caseId', 'from', 'to', 'limit', 'cursor'],
      'invalid-key-id',
    ],
    [
      '/v1/cases/{caseId}/history.csv',
      'cases',
      ['caseId', 'asOf', 'knownAt', 'bom', 'view'],
      'invalid-boolean',
    ],
    [
      '/v1/reports/compliance',
      'compliance',
      ['municipality', 'from', 'to', 'rule', 'bom', 'table'],
      'invalid-date',
    ],
    [
      '/v1/reports/compliance.csv',
      'compliance',
      ['municipality', 'from', 'to', 'rule', 'bom', 'table'],
      'invalid-range',
    ],
  ])('documents GET %s', (path, tag, parameters, code400) => {
    const operation = document.paths[path]?.get as {
      tags: string[];
      security: unknown[];
      description: string;
      parameters: { name: string; in: string; description?: string }[];
      responses: Record<string, { description: string; content?: Record<string, unknown> }>;
    };
    expect(operation).toBeDefined();
    expect(operation.tags).toEqual([tag]);
    expect(operation.security).toEqual([{ 'api-key': [] }]);
    expect(operation.description.length).toBeGreaterThan(50);
    const names = operation.parameters.filter((p) => p.in !== 'header').map((p) => p.name);
    expect(names.sort()).toEqual([...parameters].sort());
    for (const parameter of operation.parameters)
      expect([parameter.name, typeof parameter.description]).toEqual([parameter.name, 'string']);
    expect(operation.responses['400'].description).toContain(code400);
    expect(operation.responses).toHaveProperty('401');
    if (path !== '/v1/audit/access-log') {
      expect(operation.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'X-Audit-Purpose' })]),
      );
      expect(operation.responses['400'].description).toContain('purpose-required');
    }
    if (path.endsWith('.csv'))
      expect(Object.keys(operation.responses['200'].content ?? {})).toEqual(['text/csv']);
  });

  it('documents the history’s state after each event and the report’s figures', () => {
    expect(Object.keys(document.components.schemas.CaseHistoryEvent.properties)).toEqual(
      expect.arrayContaining(['actor', 'actorRole', 'stateAfter']),
    );
    expect(Object.keys(document.components.schemas.CaseStateViewDto.properties).sort()).toEqual([
      'counts',
      'openObligations',
      'phase',
    ]);
    expect(Object.keys(document.components.schemas.ReportRuleDto.properties)).toEqual(
      expect.arrayContaining([
        'opened',
        'fulfilledOnTime',
        'fulfilledLate',
        'breachedOpen',
        'open',
        'waived',
        'cancelled',
        'onTimeShare',
        'daysToFulfilment',
      ]),
    );
    expect(Object.keys(document.components.schemas.NetworkCouncilFiguresDto.properties).sort()).toEqual([
      'notHeldReasons',
      'notifications',
      'toConvocation',
      'toHolding',
    ]);
    expect(document.components.securitySchemes['api-key'].description).toContain('X-Audit-Purpose');
  });
});
