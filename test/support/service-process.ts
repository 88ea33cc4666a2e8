import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CprFinding, cprScan } from './cpr-scan';

const ROOT = resolve(__dirname, '../..');

/** The real service in a process of its own (its TypeScript loaded through swc, no build), for crash tests. */
export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:port` once it listens. */
  url(): string;
  /** Every line it wrote (stdout and stderr) since it was first started, across restarts. */
  logs(): string;
  isRunning(): boolean;
  /** kill -9: no shutdown hook runs. */
  kill(): Promise<void>;
  /** Starts it again with the same environment and waits until it listens. */
  restart(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export async function startService(name: string, env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  let child: ChildProcess | undefined;
  let output = '';
  let url = '';
  // What it logs and answers is scanned for CPR numbers like an in-process app's (cpr-scan.ts).
  const findingsFile = join(tmpdir(), `fristvagt-cpr-findings-${randomUUID()}.jsonl`);
  cprScan.addLog(`${name} output`, () => output);
  cprScan.addFindings(() =>
    existsSync(findingsFile)
      ? readFileSync(findingsFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => ({ ...(JSON.parse(line) as CprFinding), source: `${name} response` }))
      : [],
  );
  const launch = () =>
    new Promise<void>((resolvePromise, reject) => {
      const started = spawn(
        process.execPath,
        [
          '-r',
          resolve(ROOT, 'test/support/ts-register.js'),
          '-r',
          resolve(ROOT, 'test/support/cpr-scan-child.ts'),
          resolve(ROOT, 'apps/api/src/main.ts'),
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            HOST: '127.0.0.1',
            PORT: '0',
            FRISTVAGT_TEST_CPR_FINDINGS: findingsFile,
            ...env,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child = started;
      const timer = setTimeout(
        () => reject(new Error(`${name} did not listen within 60 s:\n${output.slice(-3000)}`)),
        60_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening on (http:\/\/[^"\s]+)/.exec(output.slice(-4000));
        if (listening !== null && url === '') {
          url = listening[1];
          clearTimeout(timer);
          resolvePromise();
        }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (url === '')
          reject(new Error(`${name} exited (${code ?? signal}) before it listened:\n${output.slice(-3000)}`));
      });
    });
  const waitExit = (current: ChildProcess) =>
    current.exitCode !== null || current.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolveExit) => current.once('exit', () => resolveExit()));
  await launch();
  return {
    name,
    url: () => url,
    logs: () => output,
    isRunning: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kill: async () => {
      if (child === undefined) return;
      const current = child;
      current.kill('SIGKILL');
      await waitExit(current);
    },
    restart: async () => {
      url = '';
      await launch();
    },
    stop: async () => {
      if (child === undefined) return;
      const current = child;
      const force = setTimeout(() => current.kill('SIGKILL'), 10_000);
      current.kill('SIGTERM');
      await waitExit(current);
      clearTimeout(force);
    },
  };
}
