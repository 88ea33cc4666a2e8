import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { type BullMqConnection } from '@fristvagt/scheduling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { deleteKeys, requireRedis, SHARED_REDIS_URL } from './redis';

const ROOT = resolve(__dirname, '../..');

/** A Node process of the test's own, for crash tests: what it writes is collected. */
export interface NodeProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
}

/** `node …args` in the repository's root, with `env` added to the test's environment. */
export function spawnNode(args: readonly string[], env: Readonly<Record<string, string>>): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** A TypeScript file in a process of its own, loaded through test/support/ts-register.js as jest loads it. */
export function spawnTypeScript(file: string, env: Readonly<Record<string, string>>): NodeProcess {
  return spawnNode(['-r', resolve(ROOT, 'test/support/ts-register.js'), file], env);
}

/** kill -9, as a crash: no shutdown hook runs. Resolves once it has exited. */
export async function killNine({ child }: NodeProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * `scenario` as a test on each BullMQ backend: the shared Redis, under a key prefix of its own that is deleted
 * afterwards, and a scratch PostgreSQL database.
 */
export function onEachBullMqBackend(
  title: string,
  scenario: (connection: BullMqConnection) => Promise<void>,
  timeoutMs = 30_000,
): void {
  describe('on Redis', () => {
    const prefix = `fv-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    beforeAll(() => requireRedis());
    afterAll(() => deleteKeys(prefix));

    it(title, () => scenario({ kind: 'redis', url: SHARED_REDIS_URL, prefix }), timeoutMs);
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it(title, () => scenario({ kind: 'postgres', url: db.url }), timeoutMs);
  });
}
