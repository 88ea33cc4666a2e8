export * from './event-store.port';
export * from './errors';
export { canonicalJson } from './new-events';
export { PostgresEventStore, describePostgresUrl } from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { PgliteEventStore } from './pglite/pglite-event-store';
export type { PgliteEventStoreOptions } from './pglite/pglite-event-store';
export { EventStoreDbEventStore } from './eventstoredb';
