import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs api and worker on embedded PGlite in ./data on 127.0.0.1:3000 when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: resolve('data'),
      logLevel: 'info',
      role: 'all',
      nodeEnv: 'development',
      eventStore: { adapter: 'pglite', dataDir: resolve('data'), variable: 'DATA_DIR' },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ', LOG_LEVEL: '' })).toMatchObject({
      port: 3000,
      logLevel: 'info',
      eventStore: { adapter: 'pglite' },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/fristvagt',
      DATABASE_URL: 'postgresql://app:secret@db:5432/fristvagt',
      REDIS_URL: 'rediss://cache:6380',
      LOG_LEVEL: 'debug',
      FRISTVAGT_ROLE: 'worker',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/fristvagt',
      databaseUrl: 'postgresql://app:secret@db:5432/fristvagt',
      redisUrl: 'rediss://cache:6380',
      logLevel: 'debug',
      role: 'worker',
      nodeEnv: 'production',
      eventStore: {
        adapter: 'postgres',
        url: 'postgresql://app:secret@db:5432/fristvagt',
        variable: 'DATABASE_URL',
      },
    });
  });

  it('chooses EventStoreDB when EVENTSTORE_URL is set, including a multi-node connection string', () => {
    const url = 'esdb://node1:2113,node2:2113,node3:2113?tls=false';
    expect(loadConfig({ EVENTSTORE_URL: url }).eventStore).toEqual({
      adapter: 'eventstoredb',
      url,
      variable: 'EVENTSTORE_URL',
    });
    expect(loadConfig({ EVENTSTORE_URL: 'esdb+discover://cluster.local:2113' }).eventStore.adapter).toBe(
      'eventstoredb',
    );
  });

  it('accepts PORT=0 so tests can ask for a free port', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: must be a whole number from 0 to 65535'],
    [{ PORT: '65536' }, 'PORT: must be a whole number'],
    [{ PORT: '-1' }, 'PORT: must be a whole number'],
    [{ HOST: 'my host' }, 'HOST: must be a host name'],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL: must be a postgres:// or postgresql:// URL, got mysql://x',
    ],
    [{ DATABASE_URL: 'localhost:5432/db' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ EVENTSTORE_URL: 'https://esdb:2113' }, 'EVENTSTORE_URL: must be a esdb:// or esdb+discover:// URL'],
    [{ REDIS_URL: 'memcached://cache' }, 'REDIS_URL: must be a redis:// or rediss:// URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ FRISTVAGT_ROLE: 'scheduler' }, 'FRISTVAGT_ROLE: must be one of all, api, worker, got "scheduler"'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: must be one of development, production, test'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    const error = configError(env);
    expect(error.message).toContain(message);
    expect(error.code).toBe('config-invalid');
  });

  it('refuses DATABASE_URL and EVENTSTORE_URL together, naming both', () => {
    const error = configError({ DATABASE_URL: 'postgres://db/x', EVENTSTORE_URL: 'esdb://es:2113' });
    expect(error.issues).toEqual([
      { variable: 'DATABASE_URL', message: expect.stringContaining('EVENTSTORE_URL') },
    ]);
  });

  it('reports every variable at fault at once', () => {
    const error = configError({ PORT: 'x', LOG_LEVEL: 'loud', FRISTVAGT_ROLE: 'both' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['PORT', 'LOG_LEVEL', 'FRISTVAGT_ROLE']);
  });

  it('never prints a password from a refused URL', () => {
    const error = configError({
      DATABASE_URL: 'mysql://app:hunter2@db:3306/x',
      REDIS_URL: 'http://:hunter2@cache:6379?password=hunter2',
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL, got mysql://app:***@db',
    );
  });
});
