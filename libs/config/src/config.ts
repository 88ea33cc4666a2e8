import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { redactUrl, urlScheme } from './redact-url';
import { declaredVariable, type VariableName } from './variables';

export const ROLES = ['all', 'api', 'worker'] as const;
/** Which part of Fristvagt a process runs: `all` is api and worker in one process (the embedded default). */
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** The event store a process uses, decided once from the environment: EventStoreDB, PostgreSQL or embedded PGlite. */
export type EventStoreConfig =
  | { readonly adapter: 'eventstoredb'; readonly url: string; readonly variable: 'EVENTSTORE_URL' }
  | {
      readonly adapter: 'postgres';
      readonly url: string;
      readonly variable: 'DATABASE_URL';
      /** Connections the process keeps to PostgreSQL (DATABASE_POOL_SIZE, default 20). */
      readonly poolSize: number;
    }
  | { readonly adapter: 'pglite'; readonly dataDir: string; readonly variable: 'DATA_DIR' };

/** One AES-256 key of the CPR key ring. The id travels in every ciphertext, so a key can be found to decrypt. */
export interface CprEncryptionKey {
  readonly id: string;
  /** Exactly 32 bytes. */
  readonly key: Buffer;
}

/** The keys that protect CPR numbers at rest (see apps/api/src/personal-data). */
export interface CprKeys {
  /** The first key encrypts; every key decrypts. Rotate by putting a new key first and keeping the old ones. */
  readonly encryptionKeys: readonly CprEncryptionKey[];
  /** HMAC-SHA256 key of the CPR lookup hash, at least 32 bytes. Never rotated: the hashes are stored. */
  readonly lookupKey: Buffer;
}

/** Where the wake-ups live, decided from the environment: REDIS_URL → BullMQ on Redis; else DATABASE_URL → BullMQ on PostgreSQL; else timers in the process. */
export type SchedulerBackend = 'in-process-timer' | 'bullmq-redis' | 'bullmq-postgres';

export interface SchedulerConfig {
  readonly backend: SchedulerBackend;
  /** SCHEDULER_HORIZON: how far ahead wake-ups are kept in the queue (default 48 h). */
  readonly horizonMs: number;
  /** SCHEDULER_SWEEP_INTERVAL: how often the sweep refills the horizon and catches overdue obligations (default 30 s). */
  readonly sweepEveryMs: number;
  /** SCHEDULER_CONCURRENCY: wake-ups one worker process handles at once (default 50). */
  readonly concurrency: number;
  /** REDIS_PREFIX: BullMQ key prefix on Redis (default `fristvagt`), so deployments can share a Redis. */
  readonly redisPrefix: string;
}

/**
 * Where read models (projections) live: in the event store's own database (a schema of their own) on
 * PostgreSQL and PGlite; with EVENTSTORE_URL, in DATABASE_URL's database if set, else PGlite in DATA_DIR.
 */
export type ReadModelConfig =
  | { readonly adapter: 'postgres'; readonly url: string; readonly variable: 'DATABASE_URL' }
  | {
      readonly adapter: 'pglite';
      readonly dataDir: string;
      readonly variable: 'DATA_DIR';
      readonly sharedWithEventStore: boolean;
    };

/** How alerts leave the system (webhooks, e-mail) and how hard delivery tries. */
export interface AlertsConfig {
  /** SMTP_URL: `smtp://` or `smtps://` of the mail relay; unset, e-mail subscriptions are refused. */
  readonly smtpUrl?: string;
  /** SMTP_FROM: the sender of alert e-mails. Default `Fristvagt <fristvagt@localhost>`. */
  readonly smtpFrom: string;
  /** PUBLIC_URL: where people reach this service, for links to a case in e-mails. Default http://HOST:PORT. */
  readonly publicUrl: string;
  /** ALERT_ALLOW_HTTP: webhooks to plain http:// URLs (default on in development and test, off in production). */
  readonly allowHttp: boolean;
  /**
   * ALERT_ALLOWED_NETWORKS: hosts and CIDR ranges a webhook may reach although they are loopback, private or
   * link-local (an on-premise receiver); by default those ranges are refused.
   */
  readonly allowedNetworks: readonly string[];
  /** ALERT_MAX_ATTEMPTS: attempts per delivery before it is marked failed (default 10). */
  readonly maxAttempts: number;
  /** ALERT_RETRY_DELAY: the first retry's delay; each later one doubles, with jitter, up to 10 min (default 5s). */
  readonly retryDelayMs: number;
  /** ALERT_RETRY_MAX_DELAY: the longest wait between two attempts (default 10m). */
  readonly retryMaxDelayMs: number;
  /** DIGEST_AT: local Copenhagen time of the daily digest, HH:MM (default 07:00). */
  readonly digestAt: string;
  /**
   * WEBHOOK_SIGNING_KEY: base64 of at least 32 bytes, the master key every subscription's webhook secret is
   * derived from (libs/alerts/src/channels/signing-key.ts). Unset: a development key kept in DATA_DIR/secrets,
   * refused when NODE_ENV=production by the alerts module at start-up.
   */
  readonly webhookSigningKey?: Buffer;
}

/** The supervisors' web page at /app and the sessions it signs in with (apps/api/src/web). */
export interface WebConfig {
  /**
   * WEB_ASSETS_DIR: the built page (index.html and assets/), absolute. Default `dist/web` of the repository,
   * where `npm run build` puts it; a relative value is resolved against the working directory.
   */
  readonly assetsDir: string;
  /** SESSION_IDLE_TIMEOUT: a session unused this long ends (default 30m; its last use is recorded to the minute). */
  readonly sessionIdleTimeoutMs: number;
  /** SESSION_MAX_AGE: a session ends this long after sign-in, however busy (default 8h). */
  readonly sessionMaxAgeMs: number;
  /** SESSION_COOKIE_SECURE: the session cookie is `Secure` and `__Host-` prefixed (default on in production only). */
  readonly secureCookies: boolean;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /**
   * Absolute. Holds the embedded PGlite database when neither DATABASE_URL nor EVENTSTORE_URL is set, and the
   * read models beside EventStoreDB when DATABASE_URL is not set.
   */
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly eventStoreUrl?: string;
  /** Set: the scheduler uses BullMQ on this Redis. Unset: an in-process timer. */
  readonly redisUrl?: string;
  readonly logLevel: LogLevel;
  readonly role: Role;
  readonly nodeEnv: NodeEnv;
  readonly eventStore: EventStoreConfig;
  /**
   * From CPR_ENCRYPTION_KEYS and CPR_LOOKUP_KEY (both or neither; required when NODE_ENV=production).
   * Unset: the api uses development keys kept in DATA_DIR/secrets (apps/api/src/personal-data/cpr-keys.ts).
   */
  readonly cpr?: CprKeys;
  readonly scheduler: SchedulerConfig;
  readonly readModels: ReadModelConfig;
  /** PROJECTION_MAX_LAG: /health turns degraded when a projection is further behind the log than this (default 30 s). */
  readonly projectionMaxLagMs: number;
  /**
   * DEADLINE_WARNING_LEAD: one warning lead for every rule (e.g. `2s` in a test, `3d` for a cautious
   * municipality); unset, each rule's lead in days from the rule pack applies.
   */
  readonly warningLeadMs?: number;
  /**
   * CLOCK_OFFSET_MS: added to the system clock (tests and demonstrations set a due instant seconds ahead).
   * Refused in production. Default 0.
   */
  readonly clockOffsetMs: number;
  /**
   * FACT_CLOCK_SKEW: how far a command's occurredAt may lie ahead of the clock, for callers whose clock runs a
   * little fast; a fact further ahead is refused as `occurred-in-future` (default 5m).
   */
  readonly factClockSkewMs: number;
  /**
   * EARLIEST_FACT_DATE: no fact may fall on a local date before this one (YYYY-MM-DD); unset, the first day
   * any rule of the pack is in effect (1998-07-01).
   */
  readonly earliestFactDate?: string;
  readonly alerts: AlertsConfig;
  readonly web: WebConfig;
  readonly checkpoints: CheckpointConfig;
  readonly metrics: MetricsConfig;
}

/**
 * Who reads GET /metrics, and where (apps/api/src/metrics). On the HTTP port it needs METRICS_TOKEN as a bearer
 * token, or without one comes from the loopback address (the embedded default scrapes with no setup from the
 * same machine); METRICS_PORT adds a listener of its own on HOST that serves /metrics only.
 */
export interface MetricsConfig {
  /** METRICS_TOKEN: the bearer token a scrape must send, on either listener. Unset: see above. */
  readonly token?: string;
  /** METRICS_PORT: a port of its own for GET /metrics (0 picks a free one). Unset: no such listener. */
  readonly port?: number;
}

/** Sealed checkpoints of the event log's hash chain (issue 13; libs/event-store/src/chain). */
export interface CheckpointConfig {
  /**
   * CHECKPOINT_SIGNING_KEY: the Ed25519 private key that signs checkpoints, PEM (PKCS#8) or base64 of the raw
   * 32-byte seed. Unset: on the embedded default (PGlite) the worker generates one into
   * DATA_DIR/secrets/checkpoint-signing-key.pem and logs that it did; with DATABASE_URL no checkpoint is sealed.
   */
  readonly signingKey?: KeyObject;
  /** CHECKPOINT_INTERVAL: how often a checkpoint is sealed (default 1h). */
  readonly intervalMs: number;
}

/** One variable that failed validation. `message` never contains the variable's secret parts. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** Every problem with the environment at once, each line starting with the variable's name. */
export class ConfigError extends Error {
  readonly code = 'config-invalid';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.variable}: ${issue.message}`).join('; '));
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. Pure apart from resolving DATA_DIR and WEB_ASSETS_DIR against the
 * working directory (and finding the repository for WEB_ASSETS_DIR's default); throws ConfigError naming every
 * variable at fault. An empty variable counts as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const issues: ConfigIssue[] = [];
  // Declared variables only: variables.ts is the schema docs/configuration.md and docker/ are checked against.
  const read = (variable: VariableName): string | undefined => {
    declaredVariable(variable);
    const value = env[variable]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const fail = (variable: string, message: string): undefined => {
    issues.push({ variable, message });
    return undefined;
  };

  const port = parsePort(read('PORT'), (message) => fail('PORT', message));
  const host = read('HOST') ?? '127.0.0.1';
  if (/\s/.test(host)) fail('HOST', 'must be a host name or IP address without spaces');
  const dataDir = resolve(read('DATA_DIR') ?? './data');

  const databaseUrl = connectionUrl(read('DATABASE_URL'), ['postgres', 'postgresql'], (message) =>
    fail('DATABASE_URL', message),
  );
  const eventStoreUrl = connectionUrl(read('EVENTSTORE_URL'), ['esdb', 'esdb+discover'], (message) =>
    fail('EVENTSTORE_URL', message),
  );
  const redisUrl = connectionUrl(read('REDIS_URL'), ['redis', 'rediss'], (message) =>
    fail('REDIS_URL', message),
  );
  const poolSize = parsePoolSize(read('DATABASE_POOL_SIZE'), (message) =>
    fail('DATABASE_POOL_SIZE', message),
  );

  const logLevel = oneOf(read('LOG_LEVEL'), LOG_LEVELS, 'info', (message) => fail('LOG_LEVEL', message));
  const role = oneOf(read('FRISTVAGT_ROLE'), ROLES, 'all', (message) => fail('FRISTVAGT_ROLE', message));
  const nodeEnv = oneOf(read('NODE_ENV'), NODE_ENVS, 'development', (message) => fail('NODE_ENV', message));
  const cpr = cprKeys(read('CPR_ENCRYPTION_KEYS'), read('CPR_LOOKUP_KEY'), nodeEnv, fail);

  const horizonMs = duration(read('SCHEDULER_HORIZON'), 48 * HOUR_MS, 60_000, (message) =>
    fail('SCHEDULER_HORIZON', message),
  );
  const sweepEveryMs = duration(read('SCHEDULER_SWEEP_INTERVAL'), 30_000, 100, (message) =>
    fail('SCHEDULER_SWEEP_INTERVAL', message),
  );
  const concurrency = wholeNumber(read('SCHEDULER_CONCURRENCY'), 50, 1, 1000, (message) =>
    fail('SCHEDULER_CONCURRENCY', message),
  );
  const redisPrefix = read('REDIS_PREFIX') ?? 'fristvagt';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) {
    fail('REDIS_PREFIX', 'must be 1 to 64 letters, digits, ".", "-" or "_"');
  }
  const projectionMaxLagMs = duration(read('PROJECTION_MAX_LAG'), 30_000, 100, (message) =>
    fail('PROJECTION_MAX_LAG', message),
  );
  const rawLead = read('DEADLINE_WARNING_LEAD');
  const warningLeadMs =
    rawLead === undefined
      ? undefined
      : duration(rawLead, 0, 0, (message) => fail('DEADLINE_WARNING_LEAD', message));
  const rawOffset = read('CLOCK_OFFSET_MS');
  let clockOffsetMs = 0;
  if (rawOffset !== undefined) {
    if (!/^-?\d{1,15}$/.test(rawOffset))
      fail('CLOCK_OFFSET_MS', `must be a whole number of milliseconds, got "${rawOffset}"`);
    else if (nodeEnv === 'production') fail('CLOCK_OFFSET_MS', 'must not be set when NODE_ENV=production');
    else clockOffsetMs = Number(rawOffset);
  }
  const factClockSkewMs = duration(read('FACT_CLOCK_SKEW'), 5 * 60_000, 0, (message) =>
    fail('FACT_CLOCK_SKEW', message),
  );
  const earliestFactDate = read('EARLIEST_FACT_DATE');
  if (earliestFactDate !== undefined && !isCalendarDate(earliestFactDate)) {
    fail('EARLIEST_FACT_DATE', `must be an existing calendar date, YYYY-MM-DD, got "${earliestFactDate}"`);
  }

  const smtpUrl = connectionUrl(read('SMTP_URL'), ['smtp', 'smtps'], (message) => fail('SMTP_URL', message));
  const smtpFrom = read('SMTP_FROM') ?? 'Fristvagt <fristvagt@localhost>';
  if (!/^[^<>@\s]*(<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(smtpFrom.replace(/^[^<]*</, '<'))) {
    fail('SMTP_FROM', 'must be an e-mail address, optionally with a name: Name <address@example.org>');
  }
  const publicUrl = read('PUBLIC_URL') ?? `http://${host}:${port ?? 3000}`;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl))
    fail('PUBLIC_URL', 'must be an http:// or https:// URL');
  const allowHttp = flag(read('ALERT_ALLOW_HTTP'), nodeEnv !== 'production', (message) =>
    fail('ALERT_ALLOW_HTTP', message),
  );
  const allowedNetworks = (read('ALERT_ALLOWED_NETWORKS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of allowedNetworks) {
    if (!/^[A-Za-z0-9.:-]+(\/\d{1,3})?$/.test(entry)) {
      fail('ALERT_ALLOWED_NETWORKS', `"${entry}" is not a host name, an IP address or a CIDR range`);
    }
  }
  const maxAttempts = wholeNumber(read('ALERT_MAX_ATTEMPTS'), 10, 1, 100, (message) =>
    fail('ALERT_MAX_ATTEMPTS', message),
  );
  const retryDelayMs = duration(read('ALERT_RETRY_DELAY'), 5_000, 10, (message) =>
    fail('ALERT_RETRY_DELAY', message),
  );
  const retryMaxDelayMs = duration(read('ALERT_RETRY_MAX_DELAY'), 600_000, 10, (message) =>
    fail('ALERT_RETRY_MAX_DELAY', message),
  );
  const digestAt = read('DIGEST_AT') ?? '07:00';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(digestAt)) fail('DIGEST_AT', `must be HH:MM, got "${digestAt}"`);
  const rawSigningKey = read('WEBHOOK_SIGNING_KEY');
  const signingKey = rawSigningKey === undefined ? undefined : parseWebhookSigningKey(rawSigningKey);
  if (signingKey !== undefined && !signingKey.ok) fail('WEBHOOK_SIGNING_KEY', signingKey.message);
  if (signingKey === undefined && nodeEnv === 'production') {
    fail('WEBHOOK_SIGNING_KEY', 'is required when NODE_ENV=production (a development key is refused)');
  }

  const rawAssetsDir = read('WEB_ASSETS_DIR');
  const assetsDir =
    rawAssetsDir === undefined ? join(repositoryRoot(), 'dist', 'web') : resolve(rawAssetsDir);
  const sessionIdleTimeoutMs = duration(read('SESSION_IDLE_TIMEOUT'), 30 * 60_000, 60_000, (message) =>
    fail('SESSION_IDLE_TIMEOUT', message),
  );
  const sessionMaxAgeMs = duration(read('SESSION_MAX_AGE'), 8 * HOUR_MS, 60_000, (message) =>
    fail('SESSION_MAX_AGE', message),
  );
  const secureCookies = flag(read('SESSION_COOKIE_SECURE'), nodeEnv === 'production', (message) =>
    fail('SESSION_COOKIE_SECURE', message),
  );

  const rawCheckpointKey = read('CHECKPOINT_SIGNING_KEY');
  const checkpointKey =
    rawCheckpointKey === undefined ? undefined : parseCheckpointSigningKey(rawCheckpointKey);
  if (checkpointKey !== undefined && !checkpointKey.ok) fail('CHECKPOINT_SIGNING_KEY', checkpointKey.message);
  const checkpointIntervalMs = duration(read('CHECKPOINT_INTERVAL'), HOUR_MS, 1_000, (message) =>
    fail('CHECKPOINT_INTERVAL', message),
  );

  const metricsToken = read('METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[A-Za-z0-9._~+/=-]{16,256}$/.test(metricsToken)) {
    fail('METRICS_TOKEN', 'must be 16 to 256 characters: letters, digits and . _ ~ + / = -');
  }
  const rawMetricsPort = read('METRICS_PORT');
  const metricsPort =
    rawMetricsPort === undefined
      ? undefined
      : parsePort(rawMetricsPort, (message) => fail('METRICS_PORT', message));
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    fail('METRICS_PORT', `must differ from PORT (${port})`);
  }

  if (issues.length > 0) throw new ConfigError(issues);

  const eventStore: EventStoreConfig =
    eventStoreUrl !== undefined
      ? { adapter: 'eventstoredb', url: eventStoreUrl, variable: 'EVENTSTORE_URL' }
      : databaseUrl !== undefined
        ? { adapter: 'postgres', url: databaseUrl, variable: 'DATABASE_URL', poolSize: poolSize! }
        : { adapter: 'pglite', dataDir, variable: 'DATA_DIR' };

  const scheduler: SchedulerConfig = {
    backend:
      redisUrl !== undefined
        ? 'bullmq-redis'
        : databaseUrl !== undefined
          ? 'bullmq-postgres'
          : 'in-process-timer',
    horizonMs: horizonMs!,
    sweepEveryMs: sweepEveryMs!,
    concurrency: concurrency!,
    redisPrefix,
  };
  const readModels: ReadModelConfig =
    databaseUrl !== undefined
      ? { adapter: 'postgres', url: databaseUrl, variable: 'DATABASE_URL' }
      : {
          adapter: 'pglite',
          dataDir,
          variable: 'DATA_DIR',
          sharedWithEventStore: eventStoreUrl === undefined,
        };

  return {
    port: port!,
    host,
    dataDir,
    ...(databaseUrl !== undefined && { databaseUrl }),
    ...(eventStoreUrl !== undefined && { eventStoreUrl }),
    ...(redisUrl !== undefined && { redisUrl }),
    logLevel: logLevel!,
    role: role!,
    nodeEnv: nodeEnv!,
    eventStore,
    ...(cpr !== undefined && { cpr }),
    scheduler,
    readModels,
    projectionMaxLagMs: projectionMaxLagMs!,
    ...(warningLeadMs !== undefined && { warningLeadMs }),
    clockOffsetMs,
    factClockSkewMs: factClockSkewMs!,
    ...(earliestFactDate !== undefined && { earliestFactDate }),
    alerts: {
      ...(smtpUrl !== undefined && { smtpUrl }),
      smtpFrom,
      publicUrl: publicUrl.replace(/\/$/, ''),
      allowHttp: allowHttp!,
      allowedNetworks,
      maxAttempts: maxAttempts!,
      retryDelayMs: retryDelayMs!,
      retryMaxDelayMs: retryMaxDelayMs!,
      digestAt,
      ...(signingKey?.ok === true && { webhookSigningKey: signingKey.value }),
    },
    web: {
      assetsDir,
      sessionIdleTimeoutMs: sessionIdleTimeoutMs!,
      sessionMaxAgeMs: sessionMaxAgeMs!,
      secureCookies: secureCookies!,
    },
    checkpoints: {
      ...(checkpointKey?.ok === true && { signingKey: checkpointKey.value }),
      intervalMs: checkpointIntervalMs!,
    },
    metrics: {
      ...(metricsToken !== undefined && { token: metricsToken }),
      ...(metricsPort !== undefined && { port: metricsPort }),
    },
  };
}

/**
 * The folder of Fristvagt's package.json, found by walking up from this file, so that it is the same from the
 * TypeScript sources (tests) and from dist/ (`npm start`); the working directory when there is none.
 */
export function repositoryRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'fristvagt') return dir;
    } catch {
      // no package.json here: keep walking up
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** YYYY-MM-DD naming a day that exists (years 0001-9999). */
function isCalendarDate(raw: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (match === null || Number(match[1]) < 1) return false;
  const date = new Date(Date.UTC(2000, Number(match[2]) - 1, Number(match[3])));
  date.setUTCFullYear(Number(match[1]));
  return date.toISOString().slice(5, 10) === `${match[2]}-${match[3]}`;
}

function flag(
  raw: string | undefined,
  fallback: boolean,
  fail: (message: string) => undefined,
): boolean | undefined {
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  return fail(`must be true or false, got "${raw}"`);
}

const HOUR_MS = 3_600_000;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** Parses a duration such as `500ms`, `30s`, `15m`, `48h` or `2d` (a bare number is milliseconds). */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d{1,12})(ms|s|m|h|d)?$/.exec(raw.trim());
  if (match === null) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms'];
}

function duration(
  raw: string | undefined,
  fallback: number,
  minimumMs: number,
  fail: (message: string) => undefined,
): number | undefined {
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined) return fail(`must be a duration such as 500ms, 30s, 15m, 48h or 2d, got "${raw}"`);
  if (ms < minimumMs) return fail(`must be at least ${minimumMs} ms, got "${raw}"`);
  return ms;
}

function wholeNumber(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  fail: (message: string) => undefined,
): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    return fail(`must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function cprKeys(
  rawEncryptionKeys: string | undefined,
  rawLookupKey: string | undefined,
  nodeEnv: NodeEnv | undefined,
  fail: (variable: string, message: string) => undefined,
): CprKeys | undefined {
  if (rawEncryptionKeys === undefined && rawLookupKey === undefined) {
    if (nodeEnv === 'production') {
      fail('CPR_ENCRYPTION_KEYS', 'is required when NODE_ENV=production (development keys are refused)');
      fail('CPR_LOOKUP_KEY', 'is required when NODE_ENV=production (development keys are refused)');
    }
    return undefined;
  }
  // One without the other is a half-configured key set: a hash or a ciphertext would silently come from a
  // development key that is not kept with the production secrets.
  if (rawEncryptionKeys === undefined) {
    return fail('CPR_ENCRYPTION_KEYS', 'must be set together with CPR_LOOKUP_KEY');
  }
  if (rawLookupKey === undefined)
    return fail('CPR_LOOKUP_KEY', 'must be set together with CPR_ENCRYPTION_KEYS');
  const encryptionKeys = parseCprEncryptionKeys(rawEncryptionKeys);
  const lookupKey = parseCprLookupKey(rawLookupKey);
  if (!encryptionKeys.ok) fail('CPR_ENCRYPTION_KEYS', encryptionKeys.message);
  if (!lookupKey.ok) fail('CPR_LOOKUP_KEY', lookupKey.message);
  return encryptionKeys.ok && lookupKey.ok
    ? { encryptionKeys: encryptionKeys.value, lookupKey: lookupKey.value }
    : undefined;
}

/** A parsed value, or why it was refused; the message never contains key material. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Key ids appear in every CPR ciphertext (`v1.<keyId>.…`), so they are short and URL-safe, without dots. */
const CPR_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const AES_256_KEY_BYTES = 32;
const MIN_LOOKUP_KEY_BYTES = 32;

/**
 * CPR_ENCRYPTION_KEYS: comma-separated `keyId:base64` entries of 32-byte keys, the encrypting key first
 * (`openssl rand -base64 32` makes one). Used for the environment and for the development key file alike.
 */
export function parseCprEncryptionKeys(raw: string): Parsed<CprEncryptionKey[]> {
  const keys: CprEncryptionKey[] = [];
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) return refuse(`${where} must be keyId:base64-key`);
    const id = entry.slice(0, colon).trim();
    if (!CPR_KEY_ID.test(id)) {
      return refuse(`${where} has a key id that is not 1 to 32 letters, digits, '-' or '_'`);
    }
    if (keys.some((key) => key.id === id)) return refuse(`${where} repeats the key id "${id}"`);
    const key = decodeBase64(entry.slice(colon + 1).trim());
    if (key === undefined) return refuse(`${where} (key id "${id}") is not base64`);
    if (key.length !== AES_256_KEY_BYTES) {
      return refuse(`${where} (key id "${id}") must decode to 32 bytes (AES-256), got ${key.length}`);
    }
    keys.push({ id, key });
  }
  return { ok: true, value: keys };
}

/** CPR_LOOKUP_KEY: base64 of at least 32 bytes (an HMAC-SHA256 key). */
export function parseCprLookupKey(raw: string): Parsed<Buffer> {
  const key = decodeBase64(raw.trim());
  if (key === undefined) return refuse('is not base64');
  if (key.length < MIN_LOOKUP_KEY_BYTES) {
    return refuse(`must decode to at least ${MIN_LOOKUP_KEY_BYTES} bytes, got ${key.length}`);
  }
  return { ok: true, value: key };
}

const MIN_WEBHOOK_SIGNING_KEY_BYTES = 32;

/** WEBHOOK_SIGNING_KEY: base64 of at least 32 bytes (an HMAC-SHA256 key); also the development key file's text. */
export function parseWebhookSigningKey(raw: string): Parsed<Buffer> {
  const key = decodeBase64(raw.trim());
  if (key === undefined) return refuse('is not base64');
  if (key.length < MIN_WEBHOOK_SIGNING_KEY_BYTES) {
    return refuse(`must decode to at least ${MIN_WEBHOOK_SIGNING_KEY_BYTES} bytes, got ${key.length}`);
  }
  return { ok: true, value: key };
}

/**
 * CHECKPOINT_SIGNING_KEY: an Ed25519 private key as PEM (PKCS#8), or base64 of its raw 32-byte seed; also the
 * generated key file's text. Messages never contain the key.
 */
export function parseCheckpointSigningKey(raw: string): Parsed<KeyObject> {
  const text = raw.trim().replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) key = createPrivateKey(text);
    else {
      const seed = decodeBase64(text);
      if (seed === undefined || seed.length !== 32) {
        return refuse('must be an Ed25519 private key: PEM, or base64 of the raw 32-byte key');
      }
      key = createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      });
    }
  } catch {
    return refuse('is not a readable private key (PEM PKCS#8, or base64 of the raw 32-byte Ed25519 key)');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    return refuse(`must be an Ed25519 key, got ${key.asymmetricKeyType}`);
  return { ok: true, value: key };
}

/** DER of an Ed25519 PKCS#8 private key up to the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function refuse(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** Strict base64 or base64url (Buffer.from alone skips any character it does not know). */
function decodeBase64(text: string): Buffer | undefined {
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/.test(text);
  const base64url = /^[A-Za-z0-9_-]+={0,2}$/.test(text);
  if (!base64 && !base64url) return undefined;
  if (text.includes('=') ? text.length % 4 !== 0 : text.length % 4 === 1) return undefined;
  return Buffer.from(text, base64 ? 'base64' : 'base64url');
}

function parsePort(raw: string | undefined, fail: (message: string) => undefined): number | undefined {
  if (raw === undefined) return 3000;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    return fail(`must be a whole number from 0 to 65535 (0 picks a free port), got "${raw}"`);
  }
  return Number(raw);
}

/** Default 20: 16 concurrent writers and a few readers; PostgreSQL's own default limit is 100 per server. */
function parsePoolSize(raw: string | undefined, fail: (message: string) => undefined): number | undefined {
  if (raw === undefined) return 20;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
    return fail(`must be a whole number from 1 to 1000, got "${raw}"`);
  }
  return Number(raw);
}

function oneOf<T extends string>(
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T,
  fail: (message: string) => undefined,
): T | undefined {
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  return fail(`must be one of ${allowed.join(', ')}, got "${raw}"`);
}

/** Checks the scheme only; the adapter's client parses the rest and reports what it cannot reach. */
function connectionUrl(
  raw: string | undefined,
  schemes: readonly string[],
  fail: (message: string) => undefined,
): string | undefined {
  if (raw === undefined) return undefined;
  const expected = schemes.map((scheme) => `${scheme}://`).join(' or ');
  const scheme = urlScheme(raw);
  if (scheme === undefined) return fail(`must be a ${expected} URL, got a value that is not a URL`);
  if (!schemes.includes(scheme)) return fail(`must be a ${expected} URL, got ${redactUrl(raw)}`);
  if (/\s/.test(raw)) return fail(`must not contain spaces, got ${redactUrl(raw)}`);
  return raw;
}
