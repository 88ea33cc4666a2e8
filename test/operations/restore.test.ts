import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseCheckpointSigningKey } from '@fristvagt/config';
import { generateSigningKey, publicKeyPem, SqlEventStore } from '@fristvagt/event-store';
import { runCli } from '../../apps/cli/src/cli';
import { startTestApi, testCprEnv, type TestApi } from '../support/api';
import { POSTGRES_ADMIN_URL } from '../support/postgres';
import { listObligations, openLaterCase, runDocStep, seedCases, type Service, startServiceOn } from './steps';

jest.setTimeout(300_000);

const NOW = '2026-03-25T12:00:00Z';

/**
 * docs/operations.md, "Logical backup" and "Restoring a dump": its `restore-step` blocks run as written (pg_dump,
 * createdb, pg_restore, `projections rebuild`, `verify --all`) against a service seeded through the API, then
 * the service starts on the restored database.
 */
describe('restoring a dump as docs/operations.md describes', () => {
  const cprEnv = testCprEnv();
  const signingKey = parseCheckpointSigningKey(generateSigningKey());
  const restoredDb = `fv_restored_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new URL(POSTGRES_ADMIN_URL);
  const libpq = {
    PGHOST: admin.hostname,
    PGPORT: admin.port || '5432',
    PGUSER: decodeURIComponent(admin.username) || 'postgres',
    ...(admin.password !== '' && { PGPASSWORD: decodeURIComponent(admin.password) }),
  };
  const restoredUrl = new URL(POSTGRES_ADMIN_URL);
  restoredUrl.pathname = `/${restoredDb}`;
  let source: TestApi;
  let restored: Service | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fristvagt-restore-'));
    source = await startTestApi({ now: NOW, env: { FRISTVAGT_ROLE: 'all', ...cprEnv } });
  });
  afterAll(async () => {
    await restored?.close();
    const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${restoredDb} WITH (FORCE)`);
    } finally {
      await client.end();
    }
    await source?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('brings back the same obligations and a log that verifies, without what came after the dump', async () => {
    if (!signingKey.ok) throw new Error(signingKey.message);
    const integration = await source.key('integration', ['461']);
    const supervisor = await source.key('supervisor', ['461']);
    const { caseIds } = await seedCases(source.http, { integration, supervisor }, NOW);
    const before = await listObligations(source.http, supervisor);
    // NSR-CONVENE of each notification, and NSR-HOLD of the convened council.
    expect(before).toHaveLength(5);
    expect(new Set(before.map((o) => o.state))).toEqual(new Set(['open', 'breached', 'fulfilled', 'waived']));

    const store = source.store as SqlEventStore;
    const seal = () => store.sealCheckpoint({ key: signingKey.value, now: new Date(), intervalMs: 1 });
    await writeFile(join(dir, 'checkpoint-before-restore.json'), JSON.stringify(await seal()));
    await writeFile(join(dir, 'checkpoint-key.pem'), publicKeyPem(signingKey.value));

    const backup = await runDocStep('restore-step', 'backup', {
      cwd: dir,
      env: { ...libpq, SOURCE_DB: source.database.name, BACKUP_FILE: 'fristvagt.dump' },
    });
    expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: '' });

    // After the dump: a case the restore must not have, and a checkpoint that seals it.
    const lost = await openLaterCase(source.http, integration, NOW);
    await new Promise((settle) => setTimeout(settle, 5));
    const sealedAfter = await seal();
    expect(sealedAfter).not.toBeNull();
    await writeFile(join(dir, 'checkpoint-after-restore-point.json'), JSON.stringify(sealedAfter));

    const restore = await runDocStep('restore-step', 'restore', {
      cwd: dir,
      env: { ...libpq, RESTORED_DB: restoredDb, BACKUP_FILE: 'fristvagt.dump' },
    });
    expect({ code: restore.code, stderr: restore.stderr }).toEqual({ code: 0, stderr: '' });

    const serviceEnv = {
      DATABASE_URL: restoredUrl.toString(),
      DATA_DIR: join(dir, 'data'),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...cprEnv,
    };
    const rebuild = await runDocStep('restore-step', 'rebuild', { cwd: dir, env: serviceEnv });
    expect({ code: rebuild.code, stderr: rebuild.code === 0 ? '' : rebuild.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const rebuilt = rebuild.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"projection"'))
      .map((line) => JSON.parse(line) as { projection: string; events: number });
    expect(rebuilt.map((r) => r.projection).sort()).toEqual(['alerts', 'obligations']);
    expect(rebuild.stdout).toMatch(/"ok": true/);
    expect(rebuild.stdout).toMatch(/"breaks": \[\]/);

    // The service on the restored database, with the same keys and clock. The supervisor's API key is an
    // event stream, so it came back with the log.
    restored = await startServiceOn(restoredUrl.toString(), cprEnv, NOW, 'restored service');
    const after = await listObligations(restored.http, supervisor);
    expect(after).toEqual(before);
    expect(after.map((o) => o.caseId)).toEqual(expect.arrayContaining(caseIds));
    expect(after.some((o) => o.caseId === lost)).toBe(false);

    // Checkpoints: the one sealed before the dump verifies (as the page shows); the one sealed after it names
    // the lost stream.
    const verify = async (checkpoint: string) => {
      let out = '';
      const args = [
        '--all',
        '--against',
        join(dir, checkpoint),
        '--public-key',
        join(dir, 'checkpoint-key.pem'),
      ];
      const code = await runCli(['verify', ...args], {
        readStdin: async () => '',
        stdout: (text) => (out += text),
        stderr: () => undefined,
        env: serviceEnv,
      });
      return { code, report: JSON.parse(out) as { ok: boolean; breaks: Array<Record<string, string>> } };
    };
    const intact = await runDocStep('restore-step', 'verify-against', { cwd: dir, env: serviceEnv });
    expect({ code: intact.code, report: JSON.parse(intact.stdout) }).toEqual({
      code: 0,
      report: expect.objectContaining({ ok: true, breaks: [], checkpoint: expect.anything() }),
    });
    const superseded = await verify('checkpoint-after-restore-point.json');
    expect(superseded.code).toBe(1);
    expect(superseded.report.breaks).toEqual([
      expect.objectContaining({
        stream: `case-${lost}`,
        kind: 'checkpoint',
        detail: 'an event sealed in the checkpoint is missing',
      }),
    ]);
  });
});
