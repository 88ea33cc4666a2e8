import { resolve } from 'node:path';
import { redactUrl, urlScheme } from './redact-url';

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
  | { readonly adapter: 'postgres'; readonly url: string; readonly variable: 'DATABASE_URL' }
  | { readonly adapter: 'pglite'; readonly dataDir: string; readonly variable: 'DATA_DIR' };

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute. Holds the embedded PGlite database when neither DATABASE_URL nor EVENTSTORE_URL is set. */
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly eventStoreUrl?: string;
  /** Set: the scheduler uses BullMQ on this Redis. Unset: an in-process timer. */
  readonly redisUrl?: string;
  readonly logLevel: LogLevel;
  readonly role: Role;
  readonly nodeEnv: NodeEnv;
  readonly eventStore: EventStoreConfig;
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
 * Reads and validates the configuration. Pure apart from resolving DATA_DIR against the working
 * directory; throws ConfigError naming every variable at fault. An empty variable counts as unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const issues: ConfigIssue[] = [];
  const read = (variable: string): string | undefined => {
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
  if (databaseUrl !== undefined && eventStoreUrl !== undefined) {
    fail('DATABASE_URL', 'set either DATABASE_URL (PostgreSQL) or EVENTSTORE_URL (EventStoreDB), not both');
  }

  const logLevel = oneOf(read('LOG_LEVEL'), LOG_LEVELS, 'info', (message) => fail('LOG_LEVEL', message));
  const role = oneOf(read('FRISTVAGT_ROLE'), ROLES, 'all', (message) => fail('FRISTVAGT_ROLE', message));
  const nodeEnv = oneOf(read('NODE_ENV'), NODE_ENVS, 'development', (message) => fail('NODE_ENV', message));

  if (issues.length > 0) throw new ConfigError(issues);

  const eventStore: EventStoreConfig =
    eventStoreUrl !== undefined
      ? { adapter: 'eventstoredb', url: eventStoreUrl, variable: 'EVENTSTORE_URL' }
      : databaseUrl !== undefined
        ? { adapter: 'postgres', url: databaseUrl, variable: 'DATABASE_URL' }
        : { adapter: 'pglite', dataDir, variable: 'DATA_DIR' };

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
  };
}

function parsePort(raw: string | undefined, fail: (message: string) => undefined): number | undefined {
  if (raw === undefined) return 3000;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    return fail(`must be a whole number from 0 to 65535 (0 picks a free port), got "${raw}"`);
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
