export * from './event-store.port';
export * from './errors';
export { canonicalJson } from './new-events';
export {
  PgPoolDriver,
  PostgresEventStore,
  describePostgresUrl,
  inTransaction,
  sqlTransactionOf,
  withClient,
} from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { PgliteEventStore } from './pglite/pglite-event-store';
export type { PgliteEventStoreOptions } from './pglite/pglite-event-store';
export { EventStoreDbEventStore } from './eventstoredb';
export { SqlEventStore } from './sql/sql-event-store';
export { APPEND_GATE_CLASS } from './sql/schema';
export type { SqlDriver, SqlTransaction } from './sql/sql-driver';
export * from './chain';
