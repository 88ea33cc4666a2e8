import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { Client } from 'pg';
import { ConfigError } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, PgliteEventStore } from '@fristvagt/event-store';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/postgres';
import { deleteKeys, SHARED_REDIS_URL, startPrivateRedis } from '../scheduling/redis';

/** The worker's BullMQ keys on the shared Redis, removed after each test. */
const redisPrefix = `fvboot-${process.pid}`;

/** Collects the JSON log lines of one app, so tests stay quiet and can look at what was logged. */
function logSink(): { destination: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { destination, lines };
}

async function bootFailure(env: NodeJS.ProcessEnv): Promise<Error> {
  const logs = logSink();
  try {
    const running = await bootstrap(env, { logDestination: logs.destination });
    await running.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected bootstrap to reject');
}

// Opening PGlite (WebAssembly PostgreSQL) takes a few seconds per boot.
jest.setTimeout(60_000);

describe('bootstrap', () => {
  let dataDir: string;
  let running: RunningApp | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-app-'));
  });

  afterEach(async () => {
    await running?.close();
    running = undefined;
    await rm(dataDir, { recursive: true, force: true });
    await deleteKeys(redisPrefix);
  });

  describe('with no database configured', () => {
    it('runs api and worker in one process on PGlite in DATA_DIR and reports healthy', async () => {
      const logs = logSink();
      const open = jest.spyOn(PgliteEventStore, 'open');
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0' }, { logDestination: logs.destination });
      // api and worker share one store: two PGlite instances on one folder would corrupt it.
      expect(open).toHaveBeenCalledTimes(1);
      open.mockRestore();

      const response = await request(running.app.getHttpServer()).get('/health').expect(200);

      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        status: 'ok',
        role: 'all',
        version: '0.1.0',
        uptimeSeconds: expect.any(Number),
        adapters: {
          eventStore: { adapter: 'pglite', status: 'up', location: join(dataDir, 'pglite') },
          scheduler: { adapter: 'in-process-timer', status: 'up', location: 'in-process', scheduled: 0 },
        },
        projections: ['obligations', 'alerts'].map((name) => ({
          name,
          version: expect.any(Number),
          state: 'live',
          generation: 1,
          checkpoint: null,
          eventsApplied: 0,
          lagEvents: 0,
          lagEventsCapped: false,
          lagSeconds: 0,
          degraded: false,
        })),
        subscriptions: [],
        alerts: { pending: 0, oldestPendingAgeSeconds: null, failed: 0 },
        worker: { status: 'running', startedAt: expect.any(String) },
      });
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({ level: 'info', msg: `Fristvagt (all) listening on ${running.url}` }),
      );
    });

    it('keeps the events in DATA_DIR across a restart', async () => {
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
      const store = running.app.get<EventStore>(EVENT_STORE);
      await store.append('case-restart', [
        {
          id: '6f1c1f52-7d1a-4a38-9d53-0b7f5b3c2a10',
          type: 'TestHappened',
          data: {},
          metadata: {
            municipality: '461',
            actor: 'test',
            occurredAt: '2025-01-01T00:00:00.000Z',
            correlationId: 'c',
            causationId: null,
            schemaVersion: 1,
          },
        },
      ]);
      await running.close();

      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
      const events = await running.app.get<EventStore>(EVENT_STORE).readStream('case-restart');
      expect(events.map((event) => event.id)).toEqual(['6f1c1f52-7d1a-4a38-9d53-0b7f5b3c2a10']);
    });

    it('answers 503 degraded when the event store is down', async () => {
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
      const store = running.app.get<EventStore>(EVENT_STORE);
      jest.spyOn(store, 'health').mockResolvedValue({
        adapter: 'pglite',
        status: 'down',
        location: dataDir,
        detail: 'disk gone',
      });

      const response = await request(running.app.getHttpServer()).get('/health').expect(503);

      expect(response.body).toMatchObject({
        status: 'degraded',
        adapters: { eventStore: { status: 'down' } },
      });
    });

    it('answers unknown routes with application/problem+json', async () => {
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });

      const response = await request(running.app.getHttpServer()).get('/nowhere').expect(404);

      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toEqual({
        type: 'urn:fristvagt:problem:route-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'No route of this API matches the method and path.',
        code: 'route-not-found',
      });
    });

    it('runs the api alone with FRISTVAGT_ROLE=api, reporting that the scheduler runs elsewhere', async () => {
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', FRISTVAGT_ROLE: 'api' });

      const response = await request(running.app.getHttpServer()).get('/health').expect(200);

      expect(response.body.role).toBe('api');
      expect(response.body.worker).toBeUndefined();
      expect(response.body.adapters.scheduler).toEqual({
        adapter: 'in-process-timer',
        status: 'not-running',
        detail: 'the scheduler runs in the worker process',
      });
    });

    it('runs the worker alone with FRISTVAGT_ROLE=worker, serving /health and nothing else', async () => {
      running = await bootstrap({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        FRISTVAGT_ROLE: 'worker',
        REDIS_URL: SHARED_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
      });
      const server = running.app.getHttpServer();

      const response = await request(server).get('/health').expect(200);

      expect(response.body).toMatchObject({
        role: 'worker',
        worker: { status: 'running' },
        adapters: {
          eventStore: { adapter: 'pglite', status: 'up' },
          scheduler: { adapter: 'bullmq-redis', status: 'up', location: new URL(SHARED_REDIS_URL).host },
        },
      });
      await request(server).get('/cases').expect(404);
    });

    it('refuses to start on a Redis that would evict keys, naming maxmemory-policy', async () => {
      const redis = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
      try {
        const error = await bootFailure({ DATA_DIR: dataDir, PORT: '0', REDIS_URL: redis.url });
        expect(error.message).toMatch(/^REDIS_URL: .*maxmemory-policy allkeys-lru.*noeviction/);
      } finally {
        await redis.stop();
      }
    });

    it('answers 503 degraded when a projection lags behind the log past PROJECTION_MAX_LAG', async () => {
      running = await bootstrap({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        FRISTVAGT_ROLE: 'api',
        PROJECTION_MAX_LAG: '100ms',
      });
      // No worker runs in an api-only process, so nothing projects this event.
      await running.app.get<EventStore>(EVENT_STORE).append('case-lagging', [
        {
          id: '0e6c1d47-2d3b-4f57-8b1e-6a8f0d8c7e21',
          type: 'TestHappened',
          data: {},
          metadata: {
            municipality: '461',
            actor: 'test',
            occurredAt: '2025-01-01T00:00:00.000Z',
            correlationId: 'c',
            causationId: null,
            schemaVersion: 1,
          },
        },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));

      const response = await request(running.app.getHttpServer()).get('/health').expect(503);

      expect(response.body).toMatchObject({
        status: 'degraded',
        projections: [
          { name: 'obligations', degraded: true, lagEvents: 1 },
          { name: 'alerts', degraded: true, lagEvents: 1 },
        ],
      });
      expect(response.body.projections[0].lagSeconds).toBeGreaterThan(0.1);
    });

    it('refuses a DATA_DIR it cannot open, naming DATA_DIR', async () => {
      const file = join(dataDir, 'not-a-folder');
      await writeFile(file, 'x');

      const error = await bootFailure({ DATA_DIR: file, PORT: '0' });

      expect(error.message).toMatch(new RegExp(`^DATA_DIR: cannot open ${file} \\(ENOTDIR`));
    });

    it('refuses a PORT that is taken, naming PORT', async () => {
      running = await bootstrap({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
      const port = new URL(running.url).port;
      const other = await mkdtemp(join(tmpdir(), 'fristvagt-app-'));
      try {
        const error = await bootFailure({ DATA_DIR: other, PORT: port });
        expect(error.message).toBe(`PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });
  });

  describe('with DATABASE_URL', () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await createTestDatabase('fv_app');
    });

    afterAll(async () => {
      await database?.drop();
    });

    it('uses PostgreSQL', async () => {
      running = await bootstrap({
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
      });

      const response = await request(running.app.getHttpServer()).get('/health').expect(200);

      expect(response.body.adapters.eventStore).toEqual({
        adapter: 'postgres',
        status: 'up',
        location: `127.0.0.1:5432/${database.name}`,
      });
    });

    it('fails to start when PostgreSQL is unreachable, naming DATABASE_URL', async () => {
      const error = await bootFailure({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', PORT: '0' });

      expect(error.message).toBe('DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1/x (ECONNREFUSED)');
    });

    it('names DATABASE_POOL_SIZE when the server refuses some of the pool', async () => {
      // A role allowed 3 connections, on a database of its own, stands in for a server at max_connections.
      const name = `fv_pool_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE ROLE ${name} LOGIN CONNECTION LIMIT 3`);
        await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
        const url = new URL(POSTGRES_ADMIN_URL);
        url.username = name;
        url.pathname = `/${name}`;
        const error = await bootFailure({
          DATABASE_URL: url.toString(),
          DATABASE_POOL_SIZE: '10',
          PORT: '0',
        });

        expect(error.message).toBe(
          `DATABASE_POOL_SIZE: PostgreSQL at ${url.hostname}:${url.port || 5432}/${name} refused some of the 10 connections ` +
            `(too many clients: lower DATABASE_POOL_SIZE or raise the server's max_connections)`,
        );
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS ${name}`);
        await admin.end();
      }
    });

    it('never shows the password of an unreachable DATABASE_URL', async () => {
      const error = await bootFailure({ DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/x', PORT: '0' });

      expect(error.message).toContain('DATABASE_URL');
      expect(error.message).not.toContain('hunter2');
    });

    it('refuses a DATABASE_URL that is not PostgreSQL with a ConfigError', async () => {
      const error = await bootFailure({ DATABASE_URL: 'mysql://x', PORT: '0' });

      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL, got mysql://x');
    });
  });

  describe('with EVENTSTORE_URL', () => {
    it('fails to start when EventStoreDB is unreachable, naming EVENTSTORE_URL', async () => {
      const error = await bootFailure({ EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false', PORT: '0' });

      expect(error.message).toMatch(/^EVENTSTORE_URL: cannot reach EventStoreDB at 127\.0\.0\.1:1 \(/);
    }, 20_000);
  });
});
