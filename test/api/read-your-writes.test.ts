import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { cprFor, testCprEnv, useTestApi } from '../support/api';
import { postCommand } from '../support/api-requests';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type ServiceProcess, startService } from '../support/service-process';

/**
 * A case is found by `POST /v1/cases/lookup` as soon as the command that opened it has answered, in any api
 * process, even while a write transaction is open elsewhere on the server (issue 12, point 5).
 */

jest.setTimeout(180_000);

/** The in-process api's pinned clock stands at the real time, so that the second process agrees with it. */
const NOW = new Date(Math.floor(Date.now() / 1_000) * 1_000);
const ROUNDS = 50;

describe('lookup reads its own writes across api processes', () => {
  const cprEnv = testCprEnv();
  const app = useTestApi({ now: NOW.toISOString(), env: cprEnv });
  let second: ServiceProcess | undefined;
  let dataDir: string | undefined;
  let other: TestDatabase | undefined;
  let busy: Client | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-ryw-'));
    second = await startService('api-b', {
      DATABASE_URL: app.api.database.url,
      DATA_DIR: dataDir,
      FRISTVAGT_ROLE: 'api',
      LOG_LEVEL: 'info', // startService waits for the 'listening on' line
      NODE_ENV: 'test',
      ...cprEnv,
    });
    // A write transaction in another database on the same server, open for the whole test.
    other = await createTestDatabase('fv_other');
    busy = new Client({ connectionString: other.url });
    await busy.connect();
    await busy.query('CREATE TABLE busy (n int)');
    await busy.query('BEGIN');
    await busy.query('INSERT INTO busy VALUES (1)');
  });

  afterAll(async () => {
    await busy?.query('ROLLBACK').catch(() => undefined);
    await busy?.end();
    await other?.drop();
    await second?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it(`opened in one process, found by a lookup in the other at once, ${ROUNDS} times in a row`, async () => {
    const b = request(second!.url());
    const missed: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const cpr = cprFor('2012-05-05', 4500 + i);
      const opened = await postCommand(
        app.api,
        app.token,
        '/v1/cases',
        { cpr, municipality: '461', occurredAt: new Date(NOW.getTime() - 48 * 3_600_000).toISOString() },
        `ryw-open-${i}`,
      );
      expect(opened.status).toBe(201);
      const found = await b
        .post('/v1/cases/lookup')
        .set('Authorization', `Bearer ${app.token}`)
        .send({ cpr });
      expect(found.status).toBe(200);
      const ids = (found.body.cases as { caseId: string }[]).map((c) => c.caseId);
      if (!ids.includes(opened.body.caseId as string)) missed.push(i);
    }
    expect(missed).toEqual([]);
  });
});
