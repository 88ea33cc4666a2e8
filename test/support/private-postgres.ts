import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../scheduling/redis';

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, for what the shared one must not suffer: crashes and restarts. */
export interface PrivatePostgres {
  readonly url: string;
  /** Stops it the way a crash does (immediate shutdown, recovery at the next start), then starts it again. */
  restart(options?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

function binaries(): string {
  return `/usr/lib/postgresql/${process.env.PG_MAJOR ?? '15'}/bin`;
}

/**
 * initdb into a temporary folder and a postgres on a free loopback port, as the `postgres` system user
 * (PostgreSQL refuses to run as root). Fails with a message naming what is missing.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'fv-private-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, run it as the `postgres` system user.
  let user: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    user = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
    await chown(dir, user.uid, user.gid);
  }
  await chmod(dir, 0o700);
  try {
    await run(join(binaries(), 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
      ...user,
      cwd: dir,
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `a private PostgreSQL server could not be created with ${binaries()}/initdb: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      join(binaries(), 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dir}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { stdio: 'ignore', ...user },
    );
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    for (let i = 0; i < 100; i++) {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`the private PostgreSQL server did not start on port ${port}`);
  };
  const kill = async () => {
    const current = server;
    if (current === undefined || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    // SIGQUIT: immediate shutdown, no checkpoint; the next start recovers from the WAL, as after a crash.
    current.kill('SIGQUIT');
    await exited;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (options = {}) => {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, options.downMs ?? 1_000));
      await start();
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
