import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, repositoryRoot } from './config';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const LOOKUP = Buffer.alloc(48, 0xc3);
/** The secrets production requires: the CPR keys and the webhook signing key. */
const CPR_ENV = {
  CPR_ENCRYPTION_KEYS: `2026a:${KEY_A.toString('base64')}`,
  CPR_LOOKUP_KEY: LOOKUP.toString('base64'),
  WEBHOOK_SIGNING_KEY: Buffer.alloc(32, 0xd4).toString('base64'),
};

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
      scheduler: {
        backend: 'in-process-timer',
        horizonMs: 48 * 3_600_000,
        sweepEveryMs: 30_000,
        concurrency: 50,
        redisPrefix: 'fristvagt',
      },
      readModels: {
        adapter: 'pglite',
        dataDir: resolve('data'),
        variable: 'DATA_DIR',
        sharedWithEventStore: true,
      },
      projectionMaxLagMs: 30_000,
      clockOffsetMs: 0,
      factClockSkewMs: 300_000,
      alerts: {
        smtpFrom: 'Fristvagt <fristvagt@localhost>',
        publicUrl: 'http://127.0.0.1:3000',
        allowHttp: true,
        allowedNetworks: [],
        maxAttempts: 10,
        retryDelayMs: 5_000,
        retryMaxDelayMs: 600_000,
        digestAt: '07:00',
      },
      web: {
        assetsDir: join(resolve(__dirname, '..', '..', '..'), 'dist', 'web'),
        sessionIdleTimeoutMs: 30 * 60_000,
        sessionMaxAgeMs: 8 * 3_600_000,
        secureCookies: false,
      },
      checkpoints: { intervalMs: 3_600_000 },
      metrics: {},
    });
  });

  describe('metrics', () => {
    it('reads the scrape token and a port of its own', () => {
      const token = 'abcdefghijklmnop-0123456789+/=';
      expect(loadConfig({ METRICS_TOKEN: token, METRICS_PORT: '9464' }).metrics).toEqual({
        token,
        port: 9464,
      });
      expect(loadConfig({ METRICS_PORT: '0' }).metrics).toEqual({ port: 0 });
    });

    it('refuses a short or odd token, a port out of range, and the API port again, naming the variable', () => {
      expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/^METRICS_TOKEN: must be 16 to 256/);
      expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, 16+' })).toThrow(/^METRICS_TOKEN:/);
      expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/^METRICS_PORT: must be a whole number/);
      expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(
        'METRICS_PORT: must differ from PORT (8080)',
      );
      // The refusal never repeats the token.
      expect(() => loadConfig({ METRICS_TOKEN: 'secret token!' })).not.toThrow(/secret token/);
    });
  });

  describe('the web page', () => {
    it('reads the assets folder against the working directory, the session limits and the cookie flag', () => {
      expect(
        loadConfig({
          WEB_ASSETS_DIR: 'build/page',
          SESSION_IDLE_TIMEOUT: '10m',
          SESSION_MAX_AGE: '12h',
          SESSION_COOKIE_SECURE: 'true',
        }).web,
      ).toEqual({
        assetsDir: resolve('build/page'),
        sessionIdleTimeoutMs: 600_000,
        sessionMaxAgeMs: 12 * 3_600_000,
        secureCookies: true,
      });
    });

    it('finds the built page in the repository, from the sources and from dist/ alike', () => {
      const root = resolve(__dirname, '..', '..', '..');
      expect(repositoryRoot(__dirname)).toBe(root);
      expect(repositoryRoot(join(root, 'dist', 'libs', 'config', 'src'))).toBe(root);
    });

    it('makes the session cookie Secure in production unless told otherwise', () => {
      expect(loadConfig({ NODE_ENV: 'production', ...CPR_ENV }).web.secureCookies).toBe(true);
      expect(
        loadConfig({ NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'off', ...CPR_ENV }).web.secureCookies,
      ).toBe(false);
    });

    it.each([
      ['SESSION_IDLE_TIMEOUT', 'soon'],
      ['SESSION_IDLE_TIMEOUT', '30s'],
      ['SESSION_MAX_AGE', '0'],
      ['SESSION_COOKIE_SECURE', 'maybe'],
    ])('refuses %s=%s naming the variable', (variable, value) => {
      expect(configError({ [variable]: value }).message).toMatch(new RegExp(`^${variable}: `));
    });
  });

  describe('alerts', () => {
    it('reads the SMTP relay, the public URL and the delivery policy', () => {
      expect(
        loadConfig({
          SMTP_URL: 'smtps://mailer:secret@relay.kommune.dk:465',
          SMTP_FROM: 'Frister <frister@kommune.dk>',
          PUBLIC_URL: 'https://fristvagt.kommune.dk/',
          ALERT_ALLOW_HTTP: 'false',
          ALERT_ALLOWED_NETWORKS: '10.20.0.0/16, receiver.intern',
          ALERT_MAX_ATTEMPTS: '5',
          ALERT_RETRY_DELAY: '2s',
          ALERT_RETRY_MAX_DELAY: '1m',
          DIGEST_AT: '06:30',
        }).alerts,
      ).toEqual({
        smtpUrl: 'smtps://mailer:secret@relay.kommune.dk:465',
        smtpFrom: 'Frister <frister@kommune.dk>',
        publicUrl: 'https://fristvagt.kommune.dk',
        allowHttp: false,
        allowedNetworks: ['10.20.0.0/16', 'receiver.intern'],
        maxAttempts: 5,
        retryDelayMs: 2_000,
        retryMaxDelayMs: 60_000,
        digestAt: '06:30',
      });
    });

    it('refuses plain-http webhooks in production unless allowed', () => {
      expect(loadConfig({ NODE_ENV: 'production', ...CPR_ENV }).alerts.allowHttp).toBe(false);
    });

    it.each([
      ['SMTP_URL', 'http://relay'],
      ['SMTP_FROM', 'not an address'],
      ['PUBLIC_URL', 'ftp://x'],
      ['ALERT_ALLOW_HTTP', 'maybe'],
      ['ALERT_ALLOWED_NETWORKS', 'a b'],
      ['ALERT_MAX_ATTEMPTS', '0'],
      ['ALERT_RETRY_DELAY', 'later'],
      ['DIGEST_AT', '7:00'],
    ])('refuses %s=%s naming the variable', (variable, value) => {
      expect(configError({ [variable]: value }).message).toMatch(new RegExp(`^${variable}: `));
    });

    it('reads WEBHOOK_SIGNING_KEY, base64 or base64url of at least 32 bytes', () => {
      const key = Buffer.alloc(40, 0xfb);
      expect(loadConfig({ WEBHOOK_SIGNING_KEY: key.toString('base64') }).alerts.webhookSigningKey).toEqual(
        key,
      );
      expect(loadConfig({ WEBHOOK_SIGNING_KEY: key.toString('base64url') }).alerts.webhookSigningKey).toEqual(
        key,
      );
    });

    it('leaves WEBHOOK_SIGNING_KEY unset in development (a development key is made) and requires it in production', () => {
      expect(loadConfig({}).alerts).not.toHaveProperty('webhookSigningKey');
      const { WEBHOOK_SIGNING_KEY: _omitted, ...cprOnly } = CPR_ENV;
      expect(configError({ NODE_ENV: 'production', ...cprOnly }).message).toBe(
        'WEBHOOK_SIGNING_KEY: is required when NODE_ENV=production (a development key is refused)',
      );
    });

    it.each([
      [
        Buffer.alloc(31, 0x22).toString('base64'),
        'WEBHOOK_SIGNING_KEY: must decode to at least 32 bytes, got 31',
      ],
      ['c2VjcmV0*', 'WEBHOOK_SIGNING_KEY: is not base64'],
      ['abc=d===', 'WEBHOOK_SIGNING_KEY: is not base64'],
    ])('refuses WEBHOOK_SIGNING_KEY=%s without echoing it', (value, message) => {
      const error = configError({ WEBHOOK_SIGNING_KEY: value });
      expect(error.message).toBe(message);
      expect(error.message).not.toContain(value);
    });
  });

  describe('the deadline engine', () => {
    it('chooses BullMQ on Redis with REDIS_URL, on PostgreSQL with DATABASE_URL alone, timers otherwise', () => {
      expect(
        loadConfig({ REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x' }).scheduler.backend,
      ).toBe('bullmq-redis');
      expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).scheduler.backend).toBe('bullmq-postgres');
      expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).scheduler.backend).toBe('bullmq-redis');
      expect(loadConfig({}).scheduler.backend).toBe('in-process-timer');
    });

    it('keeps read models beside the events, or in DATABASE_URL or DATA_DIR beside EventStoreDB', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).readModels).toEqual({
        adapter: 'postgres',
        url: 'postgres://db/x',
        variable: 'DATABASE_URL',
      });
      expect(loadConfig({ EVENTSTORE_URL: 'esdb://es:2113', DATA_DIR: '/d' }).readModels).toEqual({
        adapter: 'pglite',
        dataDir: '/d',
        variable: 'DATA_DIR',
        sharedWithEventStore: false,
      });
    });

    it('reads durations with their unit', () => {
      const config = loadConfig({
        SCHEDULER_HORIZON: '2h',
        SCHEDULER_SWEEP_INTERVAL: '500ms',
        PROJECTION_MAX_LAG: '10s',
        DEADLINE_WARNING_LEAD: '2s',
        SCHEDULER_CONCURRENCY: '8',
        REDIS_PREFIX: 'fv-test.1',
        CLOCK_OFFSET_MS: '-86400000',
      });
      expect(config).toMatchObject({
        scheduler: { horizonMs: 7_200_000, sweepEveryMs: 500, concurrency: 8, redisPrefix: 'fv-test.1' },
        projectionMaxLagMs: 10_000,
        warningLeadMs: 2_000,
        clockOffsetMs: -86_400_000,
      });
    });

    it.each([
      ['SCHEDULER_HORIZON', '48 hours'],
      ['SCHEDULER_HORIZON', '10s'],
      ['SCHEDULER_SWEEP_INTERVAL', '-1s'],
      ['SCHEDULER_CONCURRENCY', '0'],
      ['REDIS_PREFIX', 'a:b'],
      ['PROJECTION_MAX_LAG', 'soon'],
      ['DEADLINE_WARNING_LEAD', '2 days'],
      ['CLOCK_OFFSET_MS', '1.5'],
    ])('refuses %s=%s naming the variable', (variable, value) => {
      expect(configError({ [variable]: value }).message).toMatch(new RegExp(`^${variable}: `));
    });

    it('refuses a clock offset in production', () => {
      expect(configError({ NODE_ENV: 'production', CLOCK_OFFSET_MS: '1000', ...CPR_ENV }).message).toMatch(
        /^CLOCK_OFFSET_MS: must not be set when NODE_ENV=production/,
      );
    });
  });

  describe('plausible time of facts', () => {
    it('tolerates facts 5 minutes ahead by default and takes the earliest fact date from the rule pack', () => {
      const config = loadConfig({});
      expect(config.factClockSkewMs).toBe(300_000);
      expect(config).not.toHaveProperty('earliestFactDate');
    });

    it('reads FACT_CLOCK_SKEW as a duration (0 allowed) and EARLIEST_FACT_DATE as a calendar date', () => {
      expect(loadConfig({ FACT_CLOCK_SKEW: '0' }).factClockSkewMs).toBe(0);
      expect(loadConfig({ FACT_CLOCK_SKEW: '90s', EARLIEST_FACT_DATE: '2014-10-01' })).toMatchObject({
        factClockSkewMs: 90_000,
        earliestFactDate: '2014-10-01',
      });
      expect(loadConfig({ EARLIEST_FACT_DATE: '2000-02-29' }).earliestFactDate).toBe('2000-02-29');
    });

    it.each([
      ['FACT_CLOCK_SKEW', '5 minutes'],
      ['FACT_CLOCK_SKEW', '-1m'],
      ['EARLIEST_FACT_DATE', '2001-02-29'],
      ['EARLIEST_FACT_DATE', '1998-13-01'],
      ['EARLIEST_FACT_DATE', '1998-07-01T00:00:00Z'],
      ['EARLIEST_FACT_DATE', '0000-01-01'],
    ])('refuses %s=%s naming the variable', (variable, value) => {
      expect(configError({ [variable]: value }).message).toMatch(new RegExp(`^${variable}: `));
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
      DATABASE_POOL_SIZE: '40',
      REDIS_URL: 'rediss://cache:6380',
      LOG_LEVEL: 'debug',
      FRISTVAGT_ROLE: 'worker',
      NODE_ENV: 'production',
      ...CPR_ENV,
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
        poolSize: 40,
      },
      cpr: { encryptionKeys: [{ id: '2026a', key: KEY_A }], lookupKey: LOOKUP },
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

  it('keeps 20 connections to PostgreSQL unless DATABASE_POOL_SIZE says otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).eventStore).toMatchObject({ poolSize: 20 });
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
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE: must be a whole number from 1 to 1000, got "0"'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE: must be a whole number from 1 to 1000'],
    [{ DATABASE_POOL_SIZE: '1001' }, 'DATABASE_POOL_SIZE: must be a whole number from 1 to 1000'],
    [{ REDIS_URL: 'memcached://cache' }, 'REDIS_URL: must be a redis:// or rediss:// URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ FRISTVAGT_ROLE: 'scheduler' }, 'FRISTVAGT_ROLE: must be one of all, api, worker, got "scheduler"'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: must be one of development, production, test'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    const error = configError(env);
    expect(error.message).toContain(message);
    expect(error.code).toBe('config-invalid');
  });

  it('keeps the events in EventStoreDB and the read models and wake-ups in PostgreSQL when both are set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db/x', EVENTSTORE_URL: 'esdb://es:2113' });
    expect(config.eventStore).toMatchObject({ adapter: 'eventstoredb', variable: 'EVENTSTORE_URL' });
    expect(config.readModels).toEqual({
      adapter: 'postgres',
      url: 'postgres://db/x',
      variable: 'DATABASE_URL',
    });
    expect(config.scheduler.backend).toBe('bullmq-postgres');
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

  describe('CPR keys', () => {
    it('reads a key ring (the first key encrypts) and a lookup key, in base64 or base64url', () => {
      const config = loadConfig({
        CPR_ENCRYPTION_KEYS: ` new:${KEY_B.toString('base64url')} , old:${KEY_A.toString('base64')}`,
        CPR_LOOKUP_KEY: LOOKUP.toString('base64url'),
      });
      expect(config.cpr).toEqual({
        encryptionKeys: [
          { id: 'new', key: KEY_B },
          { id: 'old', key: KEY_A },
        ],
        lookupKey: LOOKUP,
      });
    });

    it('leaves cpr unset outside production, so the api falls back to development keys', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).cpr).toBeUndefined();
      expect(loadConfig({ NODE_ENV: 'test' }).cpr).toBeUndefined();
    });

    it('requires both keys when NODE_ENV=production, naming each variable', () => {
      const error = configError({ NODE_ENV: 'production', WEBHOOK_SIGNING_KEY: CPR_ENV.WEBHOOK_SIGNING_KEY });
      expect(error.issues).toEqual([
        {
          variable: 'CPR_ENCRYPTION_KEYS',
          message: expect.stringContaining('required when NODE_ENV=production'),
        },
        { variable: 'CPR_LOOKUP_KEY', message: expect.stringContaining('required when NODE_ENV=production') },
      ]);
    });

    it('refuses one key variable without the other', () => {
      expect(configError({ CPR_LOOKUP_KEY: CPR_ENV.CPR_LOOKUP_KEY }).message).toBe(
        'CPR_ENCRYPTION_KEYS: must be set together with CPR_LOOKUP_KEY',
      );
      expect(configError({ CPR_ENCRYPTION_KEYS: CPR_ENV.CPR_ENCRYPTION_KEYS }).message).toBe(
        'CPR_LOOKUP_KEY: must be set together with CPR_ENCRYPTION_KEYS',
      );
    });

    const short = Buffer.alloc(16, 0x11).toString('base64');
    it.each([
      [`k1${KEY_A.toString('base64')}`, 'CPR_ENCRYPTION_KEYS: entry 1 must be keyId:base64-key'],
      [`k1:${short}`, 'CPR_ENCRYPTION_KEYS: entry 1 (key id "k1") must decode to 32 bytes (AES-256), got 16'],
      [
        `k1:${KEY_A.toString('base64')},k2:s3cr3t-Value!`,
        'CPR_ENCRYPTION_KEYS: entry 2 (key id "k2") is not base64',
      ],
      [`k1:${KEY_A.toString('base64')},k1:${KEY_B.toString('base64')}`, 'entry 2 repeats the key id "k1"'],
      [`k.1:${KEY_A.toString('base64')}`, 'entry 1 has a key id that is not 1 to 32 letters'],
      [`:${KEY_A.toString('base64')}`, 'entry 1 has a key id that is not 1 to 32 letters'],
      [`k1:${KEY_A.toString('base64')},`, 'CPR_ENCRYPTION_KEYS: entry 2 must be keyId:base64-key'],
    ])('refuses CPR_ENCRYPTION_KEYS=%s without echoing key material', (value, message) => {
      const error = configError({ ...CPR_ENV, CPR_ENCRYPTION_KEYS: value });
      expect(error.message).toContain(message);
      expect(error.issues.map((issue) => issue.variable)).toEqual(['CPR_ENCRYPTION_KEYS']);
      for (const secret of [KEY_A.toString('base64'), KEY_B.toString('base64'), short, 's3cr3t-Value']) {
        expect(error.message).not.toContain(secret);
      }
    });

    it.each([
      [Buffer.alloc(31, 0x22).toString('base64'), 'CPR_LOOKUP_KEY: must decode to at least 32 bytes, got 31'],
      ['c2VjcmV0*', 'CPR_LOOKUP_KEY: is not base64'],
      ['abcde', 'CPR_LOOKUP_KEY: is not base64'],
      ['abc=d===', 'CPR_LOOKUP_KEY: is not base64'],
    ])('refuses CPR_LOOKUP_KEY=%s without echoing it', (value, message) => {
      const error = configError({ ...CPR_ENV, CPR_LOOKUP_KEY: value });
      expect(error.message).toBe(message);
      expect(error.message).not.toContain(value);
    });
  });
});
