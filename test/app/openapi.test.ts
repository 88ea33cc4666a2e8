import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';

// Opening PGlite (WebAssembly PostgreSQL) takes a few seconds per boot.
jest.setTimeout(60_000);

async function boot(env: NodeJS.ProcessEnv = {}): Promise<{ running: RunningApp; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-openapi-'));
  const running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...env });
  return {
    running,
    stop: async () => {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('the OpenAPI document', () => {
  let running: RunningApp;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ running, stop } = await boot());
  });

  afterAll(async () => {
    await stop?.();
  });

  it('is served at /docs-json without a key, with the rules paths and the api-key bearer scheme', async () => {
    const response = await request(running.app.getHttpServer()).get('/docs-json').expect(200);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.body;
    expect(document).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      info: { title: 'Fristvagt', version: '0.1.0' },
      components: { securitySchemes: { 'api-key': { type: 'http', scheme: 'bearer' } } },
    });
    expect(document.paths['/v1/rules'].get).toMatchObject({ security: [{ 'api-key': [] }] });
    const due = document.paths['/v1/rules/{ruleId}/due'].get;
    expect(due.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:ruleId', 'query:from', 'query:municipality']),
    );
    // A birth date is personal data: never a query parameter, only in the body of the POST.
    expect(due.parameters.map((p: { name: string }) => p.name)).not.toContain('birthDate');
    const byBody = document.paths['/v1/rules/{ruleId}/due'].post;
    expect(byBody.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RuleDueRequestDto',
    });
    expect(document.components.schemas.RuleDueRequestDto.properties).toHaveProperty('birthDate');
    expect(Object.keys(due.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '422']),
    );
    expect(due.responses['400'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ProblemDto',
    });
    expect(document.components.schemas).toHaveProperty('RuleCatalogueDto');
    expect(document.components.schemas).toHaveProperty('RuleDueDto');
  });

  it('documents the child-welfare commands (issue 11), their bodies and the rule pack version parameter', async () => {
    const document = (await request(running.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const paths = [
      '/v1/cases/{caseId}/notifications-of-concern',
      '/v1/cases/{caseId}/notifications-of-concern/{notificationId}/assessment',
      '/v1/cases/{caseId}/investigations',
      '/v1/cases/{caseId}/investigations/{investigationId}/preliminary-assessment',
      '/v1/cases/{caseId}/investigations/{investigationId}/completion',
      '/v1/cases/{caseId}/youth-plans',
    ];
    for (const path of paths) {
      expect([path, document.paths[path]?.post?.tags]).toEqual([path, ['child welfare']]);
    }
    expect(document.components.schemas.AssessNotificationOfConcernDto.required).toEqual(
      expect.arrayContaining(['occurredAt', 'acuteMeasuresNeeded', 'reasoning']),
    );
    const version = document.paths['/v1/rules'].get.parameters.find(
      (p: { name: string }) => p.name === 'version',
    );
    expect(version).toMatchObject({ in: 'query', required: false, schema: { enum: ['2026.2', '2026.1'] } });
  });

  it("documents a command's 503 case-busy and 409 stream-revision-conflict (issue 12, one busy case)", async () => {
    const document = (await request(running.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const command = document.paths['/v1/cases/{caseId}/police-notifications'].post;
    expect(command.responses['503'].description).toContain('case-busy');
    expect(command.responses['409'].description).toContain('stream-revision-conflict');
  });

  it('documents the obligation queries: every parameter with a description and an example, and the 503', async () => {
    const document = (await request(running.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const filters = [
      'municipality',
      'rule',
      'state',
      'dueAfter',
      'dueBefore',
      'caseId',
      'minPosition',
      'wait',
    ];
    for (const [path, parameters, status400] of [
      ['/v1/obligations', [...filters, 'limit', 'cursor'], 'invalid-cursor'],
      ['/v1/obligations/summary', filters, 'unknown-rule'],
    ] as const) {
      const operation = document.paths[path].get;
      expect(operation).toMatchObject({ security: [{ 'api-key': [] }], tags: ['obligations'] });
      expect(operation.description).toEqual(expect.any(String));
      const documented = operation.parameters as Array<{
        name: string;
        in: string;
        description?: string;
        schema: { example?: unknown };
      }>;
      expect(documented.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
        parameters.map((p) => `query:${p}`).sort(),
      );
      for (const parameter of documented) {
        expect({ name: parameter.name, description: typeof parameter.description }).toEqual({
          name: parameter.name,
          description: 'string',
        });
        expect({ name: parameter.name, example: parameter.schema.example }).toEqual({
          name: parameter.name,
          example: expect.anything(),
        });
      }
      expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '503']);
      expect(operation.responses['200'].headers).toHaveProperty('Fristvagt-Read-Model-Lag');
      expect(operation.responses['400'].description).toContain(status400);
      expect(operation.responses['503']).toMatchObject({
        description: expect.stringContaining('read-model-not-ready'),
        headers: { 'Retry-After': expect.any(Object) },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      });
    }
    expect(document.paths['/v1/obligations'].get.responses['200'].content['application/json'].schema).toEqual(
      {
        $ref: '#/components/schemas/ObligationPage',
      },
    );
    expect(document.components.schemas).toHaveProperty('ObligationListItem');
    expect(document.components.schemas).toHaveProperty('ObligationSummary');
    // The case view's obligation keeps its own schema.
    expect(document.components.schemas.ObligationView.properties).toHaveProperty('status');
  });

  it('documents the alerts: subscriptions, deliveries and the event stream, with examples and problems', async () => {
    const document = (await request(running.app.getHttpServer()).get('/docs-json').expect(200)).body;
    const operations: Array<[string, string, string[]]> = [
      ['post', '/v1/alerts/subscriptions', ['201', '400', '401', '403', '422']],
      ['get', '/v1/alerts/subscriptions', ['200', '400', '401', '403', '503']],
      ['get', '/v1/alerts/subscriptions/{subscriptionId}', ['200', '400', '401', '403', '404']],
      [
        'patch',
        '/v1/alerts/subscriptions/{subscriptionId}',
        ['200', '400', '401', '403', '404', '409', '422'],
      ],
      [
        'delete',
        '/v1/alerts/subscriptions/{subscriptionId}',
        ['204', '400', '401', '403', '404', '409', '422'],
      ],
      [
        'post',
        '/v1/alerts/subscriptions/{subscriptionId}/secret-rotations',
        ['201', '400', '401', '403', '404', '409', '422'],
      ],
      ['get', '/v1/alerts/deliveries', ['200', '400', '401', '403', '503']],
      ['get', '/v1/alerts/deliveries/{deliveryId}', ['200', '400', '401', '403', '404', '503']],
      [
        'post',
        '/v1/alerts/deliveries/{deliveryId}/resend',
        ['202', '400', '401', '403', '404', '409', '422', '503'],
      ],
      ['get', '/v1/alerts/stream', ['200', '400', '401']],
    ];
    for (const [method, path, statuses] of operations) {
      const operation = document.paths[path]?.[method];
      expect({ method, path, tags: operation?.tags, security: operation?.security }).toEqual({
        method,
        path,
        tags: ['alerts'],
        security: [{ 'api-key': [] }],
      });
      expect({ method, path, statuses: Object.keys(operation.responses).sort() }).toEqual({
        method,
        path,
        statuses: [...statuses].sort(),
      });
      expect(operation.description).toMatch(/Roles: /);
      for (const [status, response] of Object.entries(
        operation.responses as Record<string, { content?: object }>,
      )) {
        if (Number(status) >= 400) {
          expect({ path, status, content: Object.keys(response.content ?? {}) }).toEqual({
            path,
            status,
            content: ['application/problem+json'],
          });
        }
      }
      if (method !== 'get') {
        const parameters = operation.parameters as Array<{ name: string; in: string; required: boolean }>;
        expect(parameters).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
          ]),
        );
      }
    }

    const create = document.paths['/v1/alerts/subscriptions'].post;
    expect(Object.keys(create.requestBody.content['application/json'].examples)).toEqual([
      'webhook',
      'email',
    ]);
    expect(create.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatedSubscriptionDto',
    });
    expect(create.responses['422'].description).toContain('channel-unavailable');
    expect(create.responses['400'].description).toContain('webhook-destination-refused');
    const schemas = document.components.schemas;
    expect(schemas.CreatedSubscriptionDto.properties).toHaveProperty('secret');
    expect(schemas.AlertSubscriptionDto.properties).not.toHaveProperty('secret');
    expect(schemas.CreateSubscriptionDto.required).toEqual(['municipality', 'channel']);
    expect(schemas.ChannelDto.properties.kind.enum).toEqual(['webhook', 'email']);
    for (const [name, schema] of Object.entries(schemas as Record<string, { properties?: object }>)) {
      if (!/Subscription|Delivery|Channel|Rotated|Resend/.test(name)) continue;
      for (const [property, definition] of Object.entries(schema.properties ?? {})) {
        const documented = definition as {
          example?: unknown;
          $ref?: string;
          allOf?: unknown;
          items?: { $ref?: string };
        };
        expect({
          name,
          property,
          example:
            'example' in documented ||
            '$ref' in documented ||
            'allOf' in documented ||
            documented.items?.$ref !== undefined,
        }).toEqual({
          name,
          property,
          example: true,
        });
      }
    }

    const deliveries = document.paths['/v1/alerts/deliveries'].get;
    for (const parameter of deliveries.parameters as Array<{
      name: string;
      description?: string;
      schema: { example?: unknown };
    }>) {
      expect({
        name: parameter.name,
        description: typeof parameter.description,
        example: parameter.schema.example !== undefined,
      }).toEqual({
        name: parameter.name,
        description: 'string',
        example: true,
      });
    }

    const stream = document.paths['/v1/alerts/stream'].get;
    expect(stream.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual([
      'header:Last-Event-ID',
      'query:lastEventId',
    ]);
    expect(stream.responses['200'].content['text/event-stream'].example).toMatch(
      /^id: \d+:\d+\nevent: breached\ndata: \{/m,
    );
    expect(stream.description).toContain('Bearer');
  });

  it('serves Swagger UI at /docs from local assets, so it works offline', async () => {
    const server = running.app.getHttpServer();

    const page = await request(server).get('/docs').expect(200);

    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)=['"]([^'"]+)['"]/g)].map((match) => match[1]);
    expect(sources).toEqual(expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/)]));
    expect(sources.filter((source) => /^(https?:)?\/\//.test(source))).toEqual([]);
    for (const source of sources) {
      const asset = await request(server).get(new URL(source, `${running.url}/docs`).pathname);
      expect({ source, status: asset.status }).toEqual({ source, status: 200 });
    }
    const init = await request(server).get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('"title": "Fristvagt"');
  });

  it('is public while the rules it documents need a key', async () => {
    const server = running.app.getHttpServer();

    await request(server).get('/docs-json').expect(200);
    const rules = await request(server).get('/v1/rules').expect(401);

    expect(rules.body.code).toBe('unauthenticated');
  });
});

describe('the worker alone', () => {
  it('serves no OpenAPI document', async () => {
    const { running, stop } = await boot({ FRISTVAGT_ROLE: 'worker', REDIS_URL: 'redis://127.0.0.1:6379' });
    try {
      await request(running.app.getHttpServer()).get('/docs-json').expect(404);
      await request(running.app.getHttpServer()).get('/docs').expect(404);
    } finally {
      await stop();
    }
  });
});
