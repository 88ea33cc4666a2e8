import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis tests share (never flushed or reconfigured: other tests use it too): REDIS_URL, or the local default. */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Resolves when Redis at `url` answers; otherwise fails naming Redis and where it was looked for. */
export async function requireRedis(url = SHARED_REDIS_URL): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let socketError: NodeJS.ErrnoException | undefined;
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const why = (socketError ?? error) as NodeJS.ErrnoException;
    throw new Error(
      `Redis is required for this test and is not reachable at ${new URL(url).host} ` +
        `(${why.code ?? why.message}). Start it or set REDIS_URL.`,
      { cause: error },
    );
  } finally {
    if (client.status !== 'end') client.disconnect();
  }
}

/** Deletes every key under `prefix:` (a test's own BullMQ prefix), leaving the rest of the shared Redis alone. */
export async function deleteKeys(prefix: string, url = SHARED_REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/**
 * For tests that start what must be stopped (redis-servers, schedulers, queues): the function returned keeps
 * what it is given and returns it, and after each test everything kept is stopped, the last first.
 */
export function stopAfterEach(): <T extends { stop(): Promise<void> }>(started: T) => T {
  const kept: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const started of kept.splice(0).reverse()) await started.stop();
  });
  return (started) => {
    kept.push(started);
    return started;
  };
}

/** A TCP port nobody listens on (at the moment it is returned). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the test's own, for what the shared one must not suffer: FLUSHALL, restarts, config. */
export interface PrivateRedis {
  readonly url: string;
  /** kill -9, as a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty (it keeps nothing on disk). */
  restart(): Promise<void>;
  /** Kills it if it runs; for afterAll. */
  stop(): Promise<void>;
}

export async function startPrivateRedis(extraArgs: readonly string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await spawnRedis(port, extraArgs);
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    stop: kill,
    async restart() {
      await kill();
      child = await spawnRedis(port, extraArgs);
    },
  };
}

function spawnRedis(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
  ];
  const child = spawn('redis-server', [...args, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('it did not say it was ready within 5 s')), 5_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(`cannot start redis-server on port ${port}: ${error.message}\n${output}`, { cause: error }),
      );
    };
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? new Error('redis-server is required for this test and is not on PATH')
          : error,
      ),
    );
    child.once('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

/** A server that accepts connections and never answers: a backend that hangs rather than refuses. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
