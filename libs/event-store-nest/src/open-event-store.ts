import type { EventStoreConfig } from '@fristvagt/config';
import { urlLocation } from '@fristvagt/config';
import {
  EventStoreDbEventStore,
  PgliteEventStore,
  PostgresEventStore,
  type EventStore,
} from '@fristvagt/event-store';

/** Why an event store could not be opened at start-up; the message names the variable and holds no secret. */
export class EventStoreStartupError extends Error {
  readonly code = 'event-store-unavailable';
  constructor(
    readonly variable: EventStoreConfig['variable'] | 'DATABASE_POOL_SIZE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
    this.name = 'EventStoreStartupError';
  }
}

export interface OpenEventStoreOptions {
  /** Source of `recordedAt`. Default: the system clock. */
  readonly clock?: () => Date;
  /** A long-running service: open the whole PostgreSQL pool at start (see PostgresEventStoreOptions). */
  readonly service?: boolean;
}

/** Network failures that mean "nothing answered there", as opposed to an answer that refused us. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** SQLSTATE of "sorry, too many clients already": the server's max_connections is reached. */
const TOO_MANY_CONNECTIONS = '53300';
/** PostgreSQL SQLSTATEs worth a plain-language reason. */
const POSTGRES_REASONS: Record<string, string> = {
  '28P01': 'password authentication failed',
  '28000': 'authorization rejected',
  '3D000': 'database does not exist',
  '42501': 'insufficient privilege to create the schema',
};

/**
 * Opens the adapter the configuration chose (EVENTSTORE_URL → EventStoreDB, else DATABASE_URL →
 * PostgreSQL, else PGlite in DATA_DIR). A failure becomes an EventStoreStartupError such as
 * "DATABASE_URL: cannot reach PostgreSQL at db:5432/fristvagt (ECONNREFUSED)".
 */
export async function openEventStore(
  config: EventStoreConfig,
  options: OpenEventStoreOptions = {},
): Promise<EventStore> {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  try {
    switch (config.adapter) {
      case 'eventstoredb':
        return await EventStoreDbEventStore.connect(config.url, clock);
      case 'postgres':
        return await PostgresEventStore.connect({
          connectionString: config.url,
          poolSize: config.poolSize,
          openAllConnections: options.service === true,
          ...clock,
        });
      case 'pglite':
        return await PgliteEventStore.open({ dataDir: config.dataDir, ...clock });
    }
  } catch (error) {
    throw startupError(config, error);
  }
}

function startupError(config: EventStoreConfig, error: unknown): EventStoreStartupError {
  const code = errorCode(error);
  const secrets = config.adapter === 'pglite' ? [] : urlSecrets(config.url);
  const scrub = (text: string) => secrets.reduce((acc, secret) => acc.split(secret).join('***'), text);
  const message = error instanceof Error ? error.message : String(error);

  switch (config.adapter) {
    case 'postgres': {
      const at = urlLocation(config.url, 5432);
      if (code !== undefined && UNREACHABLE.has(code)) {
        return new EventStoreStartupError(config.variable, `cannot reach PostgreSQL at ${at} (${code})`);
      }
      if (code === TOO_MANY_CONNECTIONS) {
        return new EventStoreStartupError(
          'DATABASE_POOL_SIZE',
          `PostgreSQL at ${at} refused some of the ${config.poolSize} connections (too many clients: ` +
            `lower DATABASE_POOL_SIZE or raise the server's max_connections)`,
        );
      }
      const reason =
        (code !== undefined && POSTGRES_REASONS[code]) || scrub(innermostMessage(error) ?? message);
      return new EventStoreStartupError(config.variable, `cannot open PostgreSQL at ${at} (${reason})`);
    }
    case 'eventstoredb': {
      const at = urlLocation(config.url, 2113);
      const verb = code === undefined || UNREACHABLE.has(code) ? 'cannot reach' : 'cannot open';
      const reason = message.replace(/^EventStoreDB at \S+ is unreachable: /, '');
      return new EventStoreStartupError(config.variable, `${verb} EventStoreDB at ${at} (${scrub(reason)})`);
    }
    case 'pglite':
      // A folder path is no secret, so the cause (with its stack) may travel along for the log.
      return new EventStoreStartupError(
        config.variable,
        `cannot open ${config.dataDir} (${innermostMessage(error) ?? message})`,
        { cause: error },
      );
  }
}

/** The first `code` (errno name or SQLSTATE) along the cause chain, looking into AggregateErrors. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code.length > 0) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = errorCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return errorCode(cause, depth + 1);
}

function innermostMessage(error: unknown): string | undefined {
  // Duck-typed: an error from another realm (a Node core error seen from a vm context) is no `instanceof Error`.
  const messageOf = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string'
      ? (value as Error).message
      : undefined;
  let innermost: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (messageOf(cause) === undefined) break;
    innermost = messageOf(cause);
    current = cause;
  }
  return innermost;
}

/** The user-info parts of a connection string, raw and percent-decoded, longest first. */
function urlSecrets(url: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(url)?.[1];
  const password = userinfo?.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : undefined;
  const fromQuery = /[?&]password=([^&#]*)/i.exec(url)?.[1];
  const secrets = new Set<string>();
  for (const raw of [password, fromQuery]) {
    if (raw === undefined || raw.length === 0) continue;
    secrets.add(raw);
    try {
      secrets.add(decodeURIComponent(raw));
    } catch {
      // not percent-encoded
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}
