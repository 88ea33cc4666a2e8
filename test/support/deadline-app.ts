import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Clock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@fristvagt/event-store';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { testCprEnv } from './api';
import { cprScan } from './cpr-scan';
import { createTestDatabase, type TestDatabase } from './postgres';
import { deleteKeys, requireRedis, SHARED_REDIS_URL } from '../scheduling/redis';

/** The three ways the deadline engine runs: BullMQ on Redis, BullMQ on PostgreSQL, timers in the embedded mode. */
export type DeadlineBackend = 'bullmq-redis' | 'bullmq-postgres' | 'embedded';

/** A clock that runs with real time from a starting point the test moves (the same Clock port the service reads). */
export class ShiftedClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on, `now()` reads `at` plus the real time that passes. */
  setNow(at: string | Date): void {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
}

export interface DeadlineApp {
  readonly running: RunningApp;
  readonly http: ReturnType<typeof request>;
  readonly store: EventStore;
  readonly clock: ShiftedClock;
  readonly backend: DeadlineBackend;
  key(role: 'integration' | 'supervisor', municipalities: readonly string[]): Promise<string>;
  /** POSTs a JSON command with a fresh Idempotency-Key; throws with the problem on anything but 2xx. */
  post(token: string, path: string, body: object): Promise<Record<string, unknown>>;
  /** Waits until the case stream holds an event of `type` (polling), or fails after `timeoutMs`. */
  waitForEvent(caseId: string, type: string, timeoutMs: number): Promise<RecordedEvent>;
  logs(): string;
  close(): Promise<void>;
}

/** The whole service (api and worker in one process) on one backend, with a clock the test sets. */
export async function startDeadlineApp(
  backend: DeadlineBackend,
  env: NodeJS.ProcessEnv = {},
): Promise<DeadlineApp> {
  if (backend === 'bullmq-redis') await requireRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-deadlines-'));
  const database: TestDatabase | undefined =
    backend === 'embedded' ? undefined : await createTestDatabase('fv_deadlines');
  const prefix = `fvtest-${randomBytes(4).toString('hex')}`;
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const clock = new ShiftedClock();
  const running = await bootstrap(
    {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      FRISTVAGT_ROLE: 'all',
      ...(database !== undefined && { DATABASE_URL: database.url }),
      ...(backend === 'bullmq-redis' && { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefix }),
      ...testCprEnv(),
      ...env,
    },
    { logDestination, clock },
  ).catch(async (error: unknown) => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  // cpr-scan records its responses (it taps every app); its log lines are registered here.
  cprScan.addLog('log', () => chunks.join(''));
  const store = running.app.get<EventStore>(EVENT_STORE);
  const http = request(running.url);
  const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
  return {
    running,
    http,
    store,
    clock,
    backend,
    key: async (role, municipalities) => (await keys.create({ role, municipalities }, clock.now())).token,
    post: async (token, path, body) => {
      const response = await http
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', randomUUID())
        .send(body);
      if (response.status >= 300) {
        throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body as Record<string, unknown>;
    },
    waitForEvent: async (caseId, type, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const events = await store.readStream(`case-${caseId}`);
        const found = events.find((event) => event.type === type);
        if (found !== undefined) return found;
        if (Date.now() > until) throw new Error(`no ${type} on case ${caseId} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    logs: () => chunks.join(''),
    close: async () => {
      await running.close();
      if (backend === 'bullmq-redis') await deleteKeys(prefix);
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
