import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { currentLogContext } from './log-context';
import { censorSecretKeys, redactLogLine } from './redaction';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: Level | 'silent';
  /** Fields on every line, e.g. `{ role: 'worker' }`. */
  readonly base?: Record<string, unknown>;
  /** Default: stdout, written synchronously so the last lines before an exit are not lost. */
  readonly destination?: DestinationStream;
}

/**
 * The one logger of Fristvagt: pino, JSON lines. Secret keys (`cpr`, `authorization`, `password`) are
 * censored in the fields before serialization, and CPR-shaped numbers in the finished line, so nothing a
 * caller logs (a message, an error, a child binding) can bypass it. See redaction.ts. Every line also carries
 * the request and correlation ids of the work it is written for (log-context.ts).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A copy: pino merges the line's own fields into what mixin returns.
      mixin: () => ({ ...currentLogContext() }),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => censorSecretKeys(bindings),
        log: (fields) => censorSecretKeys(fields),
      },
      hooks: { streamWrite: redactLogLine },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
