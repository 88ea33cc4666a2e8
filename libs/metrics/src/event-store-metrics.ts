import { type EventStore, EventStoreError, type NewEvent } from '@fristvagt/event-store';
import type { EventStoreOperation, Metrics } from './metrics';

const OPERATIONS: Partial<Record<keyof EventStore, EventStoreOperation>> = {
  append: 'append',
  readStream: 'read_stream',
  readStreams: 'read_streams',
  readAll: 'read_all',
  readCommittedAfter: 'read_committed_after',
};

/**
 * The same store, counting what its callers see: events appended by type, and failures of append and the
 * reads that are not the port's own answers (WrongExpectedRevision, StreamNotFound, ... are how the port
 * speaks, not faults). A Proxy rather than a wrapper class, because callers look for the adapter behind the
 * port (`instanceof SqlEventStore`: the checkpoint sealer, the shared PGlite of the read models); every other
 * member is the adapter's own, its methods bound to it (`#private` state works). The counted calls run on the
 * adapter too, so an adapter's call to its own reads is not counted twice.
 */
export function instrumentEventStore<S extends EventStore>(store: S, metrics: Metrics): S {
  const counted = (operation: EventStoreOperation, error: unknown): never => {
    if (!(error instanceof EventStoreError)) metrics.eventStoreErrors.inc({ operation });
    throw error;
  };
  // Keyed by the method itself, so that a method replaced on the adapter is wrapped anew.
  const wrappers = new WeakMap<object, unknown>();
  const wrap = (operation: EventStoreOperation, fn: (...args: unknown[]) => Promise<unknown>) =>
    operation === 'append'
      ? async (stream: string, events: readonly NewEvent[], ...rest: unknown[]) => {
          const result = await fn
            .call(store, stream, events, ...rest)
            .catch((error: unknown) => counted(operation, error));
          for (const event of events) metrics.eventsAppended.inc({ type: event.type });
          return result;
        }
      : (...args: unknown[]) => fn.apply(store, args).catch((error: unknown) => counted(operation, error));
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const operation = OPERATIONS[property as keyof EventStore];
      // A function set on the adapter itself (a field, a test's spy) is returned as it is.
      if (operation === undefined && Object.prototype.hasOwnProperty.call(target, property)) return value;
      let wrapper = wrappers.get(value);
      if (wrapper === undefined) {
        const fn = value as (...args: unknown[]) => Promise<unknown>;
        wrapper = operation === undefined ? fn.bind(target) : wrap(operation, fn);
        wrappers.set(value, wrapper);
      }
      return wrapper;
    },
  });
}
