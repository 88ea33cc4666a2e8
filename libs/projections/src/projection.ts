import type { RecordedEvent, SqlTransaction } from '@fristvagt/event-store';

/**
 * A read model built from the global log. Its tables are created per generation (`<table>_g<n>`): a new
 * version of the code, or a rebuild on request, builds a fresh generation from the start of the log while
 * the current one keeps serving, then switches over in one transaction. Nothing is patched in place.
 */
export interface Projection {
  /** Stable name: `obligations`. */
  readonly name: string;
  /** Bump when the tables or what `apply` writes change: the next leader rebuilds a new generation. */
  readonly version: number;
  /** Base names of the tables of one generation; queries find them with `tableNames`. */
  readonly tables: readonly string[];
  /** Creates one generation's tables and the indexes `apply` needs. */
  setup(tx: SqlTransaction, tables: TableNames): Promise<void>;
  /**
   * Creates the indexes only queries need, once a generation has caught up with the log, in the transaction
   * that makes it serve. Building a B-tree once over the filled table costs a fraction of keeping it up to
   * date row by row while a million rows go in (docs/benchmarks.md, "Deadline engine"). Must not fail on an
   * index that is already there: a build started by older code made them all at setup.
   */
  finish?(tx: SqlTransaction, tables: TableNames): Promise<void>;
  /**
   * Applies events in global order, in the same transaction as the checkpoint that moves past them. `mode` is
   * `build` while the generation catches up before it serves (`finish` follows before any query reads it), so
   * what only queries need may be left to `finish`; `live` (the default) once it serves.
   */
  apply(
    tx: ReadModelTransaction,
    events: readonly RecordedEvent[],
    tables: TableNames,
    mode?: ApplyMode,
  ): Promise<void>;
  /**
   * A batch that takes the events one at a time, as the log is read, for a projection that keeps less of an
   * event than the event itself: the runner then lets each parsed event go once added, and a build reads the
   * next batch while the one before is written (docs/benchmarks.md, "Deadline engine", sixth round). `write`
   * must do what `apply` does with the same events. Without it the runner collects the events for `apply`.
   */
  begin?(tables: TableNames, mode: ApplyMode): ProjectionBatch;
}

/** One batch of a projection, filled in log order, then written in the checkpoint's transaction. */
export interface ProjectionBatch {
  /** Pure: no I/O, so that it can run while the batch before is being written. */
  add(event: RecordedEvent): void;
  write(tx: ReadModelTransaction): Promise<void>;
}

export type ApplyMode = 'build' | 'live';

/** A transaction on the read-model database. */
export interface ReadModelTransaction extends SqlTransaction {
  /**
   * Runs `COPY … FROM STDIN` with `data` in COPY's text format: PostgreSQL only (PGlite has none, so a
   * projection keeps an INSERT for it). Loading rows this way costs both sides a fraction of an INSERT with
   * array parameters (docs/benchmarks.md, "Deadline engine").
   */
  copyFrom?(statement: string, data: string): Promise<void>;
}

/** Base table name → the qualified name of one generation's table. */
export type TableNames = Readonly<Record<string, string>>;

/** A qualified table name without its schema, for naming the table's indexes. */
export function bareName(qualified: string): string {
  return qualified.slice(qualified.indexOf('.') + 1);
}

export function tableNames(
  projection: Pick<Projection, 'tables'>,
  schema: string,
  generation: number,
): TableNames {
  return Object.fromEntries(projection.tables.map((table) => [table, `${schema}.${table}_g${generation}`]));
}
