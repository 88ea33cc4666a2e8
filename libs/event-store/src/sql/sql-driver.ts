/** The little the SQL event store needs from a PostgreSQL connection: the pg pool or an embedded PGlite. */
export interface SqlDriver {
  readonly adapter: 'postgres' | 'pglite';
  /** Where it is, without credentials. */
  readonly location: string;
  /** One statement with parameters; rows come back as arrays in select-list order. `name` enables a prepared plan. */
  query(text: string, params: readonly unknown[], name?: string): Promise<unknown[][]>;
  /**
   * The same, handing each row to `onRow` as it arrives instead of collecting them, so that a caller that keeps
   * only part of each row lets the rest go while the result is still coming. An error thrown by `onRow` fails
   * the query once its result is in (the rows after it are not handed over). Drivers that receive a result
   * whole leave it out.
   */
  queryEach?(
    text: string,
    params: readonly unknown[],
    name: string | undefined,
    onRow: (row: unknown[]) => void,
  ): Promise<void>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlTransaction {
  query(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** The fields of a PostgreSQL error that the store acts on (pg and PGlite both carry them). */
export interface PgErrorLike {
  readonly code?: string;
  readonly constraint?: string;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as PgErrorLike | null;
  return typeof e === 'object' && e !== null && e.code === '23505' && e.constraint === constraint;
}
