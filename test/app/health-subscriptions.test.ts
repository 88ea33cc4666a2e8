import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { testCprEnv } from '../support/api';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/postgres';

/** /health names a subscription to the event log that cannot read, and since when (issue 12, point 6). */
describe('/health and a subscription that lost its connection', () => {
  let db: TestDatabase;
  let dataDir: string;
  let running: RunningApp | undefined;
  let admin: Client;
  const appName = `fv_health_${process.pid}`;

  beforeAll(async () => {
    db = await createTestDatabase('fv_health');
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-health-'));
    admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await running?.close();
    await admin.end();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports degraded with the subscription while it reconnects, and ok once it reads again', async () => {
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}application_name=${appName}`;
    running = await bootstrap({
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      FRISTVAGT_ROLE: 'api',
      ...testCprEnv(),
    });
    const http = request(running.app.getHttpServer());
    const store = running.app.get<EventStore>(EVENT_STORE);
    const subscription = store.subscribe({ name: 'health-test' });
    const delivered: string[] = [];
    const following = (async () => {
      for await (const event of subscription) delivered.push(event.id);
    })();
    try {
      const healthy = await http.get('/health').expect(200);
      expect(healthy.body.subscriptions).toEqual([{ name: 'health-test', state: 'reading' }]);

      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
      const cutAt = Date.now();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [appName],
      );
      const deadline = Date.now() + 10_000;
      let outage = await http.get('/health');
      while (outage.body.subscriptions?.[0]?.state !== 'reconnecting' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        outage = await http.get('/health');
      }
      expect(outage.status).toBe(503);
      expect(outage.body.status).toBe('degraded');
      expect(outage.body.subscriptions).toEqual([
        {
          name: 'health-test',
          state: 'reconnecting',
          since: expect.any(String),
          attempts: expect.any(Number),
          detail: expect.any(String),
        },
      ]);
      expect(Date.parse(outage.body.subscriptions[0].since)).toBeGreaterThanOrEqual(cutAt - 1_000);

      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
      let back = await http.get('/health');
      while (back.status !== 200 && Date.now() < deadline + 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        back = await http.get('/health');
      }
      expect(back.status).toBe(200);
      expect(back.body.subscriptions).toEqual([{ name: 'health-test', state: 'reading' }]);
    } finally {
      await subscription.stop();
      await following;
    }
  }, 60_000);
});
