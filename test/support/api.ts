import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import request from 'supertest';
import { FixedClock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import type { ApiRole } from '../../apps/api/src/access/principal';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { postCommand } from './api-requests';
import { cprScan, withoutRandomIds } from './cpr-scan';
import { createTestDatabase, type TestDatabase } from './postgres';

/** A CPR key ring for tests: random per run, as production keys would be. */
export function testCprEnv(): Record<string, string> {
  return {
    CPR_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CPR_LOOKUP_KEY: randomBytes(32).toString('base64'),
  };
}

/** One pino log line. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface TestApi {
  readonly running: RunningApp;
  readonly http: ReturnType<typeof request>;
  readonly store: EventStore;
  readonly clock: FixedClock;
  readonly database: TestDatabase;
  /** Every log line the app wrote, as text. */
  logs(): string;
  /** Every log line the app wrote, parsed. */
  logLines(): LogLine[];
  /**
   * Events stored in this app's database, counted in the table itself: readAll holds back events newer than
   * the oldest transaction open anywhere on the server (see docs/architecture.md), which parallel test files
   * make unpredictable.
   */
  eventCount(): Promise<number>;
  /** A new API key's bearer token. */
  key(role: ApiRole, municipalities: readonly string[] | '*'): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a fresh PostgreSQL database, listening on a free port, its clock pinned and its logs kept. */
export async function startTestApi(
  options: { now?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TestApi> {
  const database = await createTestDatabase('fv_api');
  const dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-api-'));
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const clock = new FixedClock(options.now ?? '2026-03-25T12:00:00Z');
  let running: RunningApp;
  try {
    running = await bootstrap(
      {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
        FRISTVAGT_ROLE: 'api',
        ...testCprEnv(),
        ...options.env,
      },
      { logDestination, clock },
    );
  } catch (error) {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  // cpr-scan records its responses (it taps every app); its log lines are registered here.
  cprScan.addLog('log', () => chunks.join(''));
  const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
  const sql = new Client({ connectionString: database.url });
  await sql.connect();
  return {
    running,
    http: request(running.url),
    store: running.app.get<EventStore>(EVENT_STORE),
    clock,
    database,
    logs: () => chunks.join(''),
    logLines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as LogLine),
    eventCount: async () =>
      Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM fristvagt.events')).rows[0].n),
    key: async (role, municipalities) => (await keys.create({ role, municipalities }, clock.now())).token,
    close: async () => {
      await sql.end();
      await running.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApiWithKey {
  readonly api: TestApi;
  /** The bearer token of the one key the app was started with. */
  readonly token: string;
}

/**
 * Starts the app (startTestApi) before the tests of the enclosing describe, with one API key, and closes it
 * after them. The fields are set once the app has started.
 */
export function useTestApi(
  options: Parameters<typeof startTestApi>[0] = {},
  role: ApiRole = 'integration',
  municipalities: readonly string[] | '*' = ['461'],
): TestApiWithKey {
  const started = {} as { api: TestApi; token: string };
  beforeAll(async () => {
    started.api = await startTestApi(options);
    started.token = await started.api.key(role, municipalities);
  });
  afterAll(async () => {
    await started.api?.close();
  });
  return started;
}

/** A CPR number for a youth born on `birthDate` (YYYY-MM-DD, 2000-2036), with a serial that makes it valid. */
export function cprFor(birthDate: string, serial = 4123): string {
  const [year, month, day] = birthDate.split('-');
  return `${day}${month}${year.slice(2)}${String(serial).padStart(4, '0')}`;
}

/** The audit lines the app logged whose `audit` is `audit`, or matches it. */
export function auditLines(api: TestApi, audit: string | RegExp): LogLine[] {
  return api
    .logLines()
    .filter((line) =>
      typeof audit === 'string'
        ? line.audit === audit
        : typeof line.audit === 'string' && audit.test(line.audit),
    );
}

/**
 * Audit lines as one text without their random parts: the key id, the time and the process, and the ids whose
 * digits may happen to spell a value such as a municipality code (withoutRandomIds). What is left must hold none
 * of the values a request asked for.
 */
export function auditTextWithoutRandomParts(audits: readonly LogLine[]): string {
  return withoutRandomIds(
    JSON.stringify(audits.map(({ keyId: _k, time: _t, pid: _p, hostname: _h, ...rest }) => rest)),
  );
}

/**
 * Opens a case in 461 for a youth born 2008-06-15 and records police documentation pol-1 on it, through the
 * API (keys `open` and `notify`); the case id.
 */
export async function openNotifiedCase(api: TestApi, token: string): Promise<string> {
  const opened = await postCommand(
    api,
    token,
    '/v1/cases',
    { cpr: cprFor('2008-06-15'), municipality: '461', occurredAt: '2026-01-02T09:00:00Z' },
    'open',
  );
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const notified = await postCommand(
    api,
    token,
    `/v1/cases/${caseId}/police-notifications`,
    {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-20T10:00:00Z',
    },
    'notify',
  );
  expect(notified.status).toBe(201);
  return caseId;
}
