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
import { createTestDatabase, type TestDatabase } from './postgres';

/** A CPR key ring for tests: random per run, as production keys would be. */
export function testCprEnv(): Record<string, string> {
  return {
    CPR_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CPR_LOOKUP_KEY: randomBytes(32).toString('base64'),
  };
}

export interface TestApi {
  readonly running: RunningApp;
  readonly http: ReturnType<typeof request>;
  readonly store: EventStore;
  readonly clock: FixedClock;
  readonly database: TestDatabase;
  /** Every log line the app wrote, as text. */
  logs(): string;
  /**
   * Events stored in this app's database, counted in the table itself: readAll holds back events newer than
   * the oldest transaction open anywhere on the server (see docs/architecture.md), which parallel test
   * files make unpredictable.
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

/** A CPR number for a youth born on `birthDate` (YYYY-MM-DD, 2000-2036), with a serial that makes it valid. */
export function cprFor(birthDate: string, serial = 4123): string {
  const [year, month, day] = birthDate.split('-');
  return `${day}${month}${year.slice(2)}${String(serial).padStart(4, '0')}`;
}
