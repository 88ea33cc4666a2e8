import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The ids that tie a log line to the work it belongs to (docs/architecture.md, "Tracing a command"):
 * `requestId` names one HTTP request, `correlationId` the chain of work that followed from one command (the
 * API request, its events, the wake-ups and alert deliveries they caused). Both are UUIDs or short tokens the
 * caller chose and the API checked, never a CPR number or a name.
 */
export interface LogContext {
  readonly requestId?: string;
  readonly correlationId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/**
 * Runs `fn` with `context` added to the current one: every line the logger writes from inside it, also from
 * callbacks and promises it starts, carries those fields. A field given in the log call itself wins.
 */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** The fields of the context the caller runs in; empty outside any. */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
