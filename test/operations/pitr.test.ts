import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { runCli } from '../../apps/cli/src/cli';
import { testCprEnv } from '../support/api';
import { type PrivatePostgres, startPrivatePostgres } from '../support/private-postgres';
import { freePort } from '../scheduling/redis';
import { listObligations, openLaterCase, runDocStep, seedCases, type Service, startServiceOn } from './steps';

jest.setTimeout(300_000);

const run = promisify(execFile);
const NOW = '2026-03-25T12:00:00Z';
const PG_BIN = `/usr/lib/postgresql/${process.env.PG_MAJOR ?? '15'}/bin`;

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * docs/operations.md, "Point-in-time recovery": its `pitr-step` blocks run as written (archiving turned on,
 * pg_basebackup, recovery to an instant on a second instance) on a PostgreSQL server of the test's own, since the
 * shared one must not be restarted with archiving. Recovery to an instant between two sets of commands brings
 * back the first set, with its read models, and not the second.
 */
describe('point-in-time recovery as docs/operations.md describes', () => {
  const cprEnv = testCprEnv();
  let pg: PrivatePostgres;
  let dir: string;
  /** PostgreSQL refuses to run as root: the steps run as the `postgres` system user then, as the page says. */
  let user: { uid: number; gid: number } | undefined;
  let source: Service | undefined;
  let recovered: Service | undefined;
  let pitrData: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fristvagt-pitr-'));
    if (process.getuid?.() === 0) {
      const { stdout: uid } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      user = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
      await chown(dir, user.uid, user.gid);
    }
    await mkdir(join(dir, 'wal-archive'));
    if (user !== undefined) await chown(join(dir, 'wal-archive'), user.uid, user.gid);
    pg = await startPrivatePostgres();
  });
  afterAll(async () => {
    await recovered?.close();
    await source?.close();
    if (pitrData !== undefined) {
      await run(join(PG_BIN, 'pg_ctl'), ['--pgdata', pitrData, 'stop', '-m', 'immediate'], { ...user }).catch(
        () => undefined,
      );
    }
    await pg?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('recovers the log and its read models as they were at the target instant', async () => {
    const server = new URL(pg.url);
    const libpq = { PGHOST: server.hostname, PGPORT: server.port, PGUSER: 'postgres' };
    const walArchive = join(dir, 'wal-archive');
    const steps = { cwd: dir, ...(user !== undefined && { user }) };
    const home = user !== undefined ? { HOME: dir } : {};

    const archive = await runDocStep('pitr-step', 'archive', {
      ...steps,
      env: { ...home, ...libpq, WAL_ARCHIVE: walArchive },
    });
    expect({ code: archive.code, stderr: archive.stderr }).toEqual({ code: 0, stderr: '' });
    // The private server takes max_connections=200 on its command line, which a base backup does not carry;
    // a production server has it in its files, as ALTER SYSTEM puts it (the page says what to do otherwise).
    await query(pg.url, 'ALTER SYSTEM SET max_connections = 200');
    await pg.restart({ downMs: 100 });
    expect(await query(pg.url, 'SHOW archive_mode')).toEqual([{ archive_mode: 'on' }]);

    await query(pg.url, 'CREATE DATABASE fristvagt');
    const databaseUrl = pg.url.replace(/\/postgres$/, '/fristvagt');
    source = await startServiceOn(databaseUrl, cprEnv, NOW, 'source service');
    const integration = await source.key('integration', ['461']);
    const supervisor = await source.key('supervisor', ['461']);

    const baseBackup = join(dir, 'base');
    const base = await runDocStep('pitr-step', 'base-backup', {
      ...steps,
      env: { ...home, ...libpq, BASE_BACKUP: baseBackup },
    });
    expect({ code: base.code, stderr: base.stderr }).toEqual({ code: 0, stderr: '' });

    // After the base backup, so only the archived WAL can bring them back.
    await seedCases(source.http, { integration, supervisor }, NOW);
    const before = await listObligations(source.http, supervisor);
    expect(before).toHaveLength(5);
    const [{ target }] = await query<{ target: string }>(pg.url, `SELECT now()::text AS target`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lost = await openLaterCase(source.http, integration, NOW);
    await source.close();
    source = undefined;

    // The segment holding the target must be archived before recovery can reach it (the page says so).
    const [{ segment }] = await query<{ segment: string }>(
      pg.url,
      'SELECT pg_walfile_name(pg_switch_wal()) AS segment',
    );
    await until('the last WAL segment archived', 30_000, async () => {
      const [{ archived }] = await query<{ archived: string | null }>(
        pg.url,
        'SELECT last_archived_wal AS archived FROM pg_stat_archiver',
      );
      return archived !== null && archived >= segment;
    });

    pitrData = join(dir, 'pitr');
    const pitrPort = await freePort();
    const recover = await runDocStep('pitr-step', 'recover', {
      ...steps,
      env: {
        ...home,
        WAL_ARCHIVE: walArchive,
        BASE_BACKUP: baseBackup,
        PITR_DATA: pitrData,
        PITR_PORT: String(pitrPort),
        RECOVERY_TARGET_TIME: target,
        PATH: `${PG_BIN}:${process.env.PATH}`,
      },
    });
    const serverLog = recover.code === 0 ? '' : await readFile(join(pitrData, 'recovery.log'), 'utf8');
    expect({ code: recover.code, stderr: recover.stderr, serverLog }).toEqual({
      code: 0,
      stderr: '',
      serverLog: '',
    });
    const recoveredUrl = `postgres://postgres@127.0.0.1:${pitrPort}/fristvagt`;
    await until('the recovered instance promoted', 60_000, async () => {
      const [{ recovering }] = await query<{ recovering: boolean }>(
        recoveredUrl,
        'SELECT pg_is_in_recovery() AS recovering',
      );
      return !recovering;
    });

    recovered = await startServiceOn(recoveredUrl, cprEnv, NOW, 'recovered service');
    const after = await listObligations(recovered.http, supervisor);
    expect(after).toEqual(before);
    expect(after.some((o) => o.caseId === lost)).toBe(false);
    expect(
      await query(
        recoveredUrl,
        `SELECT count(*)::int AS n FROM fristvagt.events WHERE stream_name = 'case-${lost}'`,
      ),
    ).toEqual([{ n: 0 }]);

    let out = '';
    const code = await runCli(['verify', '--all'], {
      readStdin: async () => '',
      stdout: (text) => (out += text),
      stderr: () => undefined,
      env: { DATABASE_URL: recoveredUrl, DATA_DIR: join(dir, 'cli-data'), NODE_ENV: 'test', ...cprEnv },
    });
    expect({ code, ok: JSON.parse(out).ok }).toEqual({ code: 0, ok: true });
  });
});
