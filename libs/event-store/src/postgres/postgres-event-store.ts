import { Pool, PoolClient, Query, type QueryArrayConfig } from 'pg';
import { SqlDriver, SqlTransaction } from '../sql/sql-driver';
import { SqlEventStore, SqlEventStoreOptions } from '../sql/sql-event-store';

export interface PostgresEventStoreOptions extends SqlEventStoreOptions {
  readonly connectionString: string;
  /** Connections in the pool. Default 20: enough for 16 concurrent writers plus readers. */
  readonly poolSize?: number;
  /** How long to wait for a connection before giving up. Default 5,000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Open every connection of the pool before `connect` resolves, and keep them open while idle. For the
   * service: otherwise the first requests after a start each pay for a new server backend (and for preparing
   * the statements on it), which at a thousand requests a second is the slowest second of the day. A CLI
   * command leaves it off and opens only what it uses. Default false.
   */
  readonly openAllConnections?: boolean;
}

/** host:port/database of a PostgreSQL URL, never its user or password. */
export function describePostgresUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** Rows PgPoolDriver.queryEach hands over before it lets the event loop run (about a millisecond of a rebuild's work). */
const QUERY_EACH_SLICE = 100;
const NO_ROW: unknown[] = [];

/**
 * Runs `use` with a client of `pool`, listening to the client's errors meanwhile. A checked-out client whose
 * connection is lost emits 'error', and the pool listens only to idle ones: without a listener of its own that
 * is an uncaught exception, which took a worker down when PostgreSQL restarted (test/faults/deadline-crash.test.ts).
 * The query in flight fails with the same error, which is what `use` reports; the client is then discarded.
 */
export async function withClient<T>(pool: Pool, use: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  try {
    return await use(client);
  } finally {
    client.removeListener('error', onLost);
    client.release(lost);
  }
}

/** Runs `use` in one transaction on a client of `pool` (withClient): committed if it resolves, else rolled back. */
export function inTransaction<T>(pool: Pool, use: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
    try {
      const result = await use(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** A SqlTransaction over a client in a transaction: rows as arrays. */
export function sqlTransactionOf(client: PoolClient): SqlTransaction {
  return {
    query: async (text, params = []) =>
      (await client.query<unknown[]>({ text, values: params as unknown[], rowMode: 'array' })).rows,
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}

/** The SqlDriver over a pg pool; also what read models in the same database run on. */
export class PgPoolDriver implements SqlDriver {
  readonly adapter = 'postgres' as const;

  constructor(
    private readonly pool: Pool,
    readonly location: string,
  ) {}

  async query(text: string, params: readonly unknown[], name?: string): Promise<unknown[][]> {
    const result = await this.pool.query<unknown[]>({
      text,
      values: params as unknown[],
      rowMode: 'array',
      name,
    });
    return result.rows;
  }

  /**
   * Rows are handed over in slices of QUERY_EACH_SLICE, with the event loop free between slices: a socket read
   * can bring thousands of rows at once, and handing them all over in one go held up the answers of every
   * other connection of the process (a rebuild's writes, behind the next batch being read) by as long.
   */
  async queryEach(
    text: string,
    params: readonly unknown[],
    name: string | undefined,
    onRow: (row: unknown[]) => void,
  ): Promise<void> {
    let failed: { error: unknown } | undefined;
    await withClient(
      this.pool,
      (client) =>
        new Promise<void>((resolve, reject) => {
          const pending: unknown[][] = [];
          let next = 0;
          let ended = false;
          let scheduled = false;
          const handOver = () => {
            scheduled = false;
            const end = Math.min(pending.length, next + QUERY_EACH_SLICE);
            for (; next < end && failed === undefined; next++) {
              const row = pending[next];
              pending[next] = NO_ROW; // handed over: the row is the caller's to keep or let go
              try {
                onRow(row);
              } catch (error) {
                failed = { error };
              }
            }
            if (next === pending.length || failed !== undefined) {
              pending.length = 0;
              next = 0;
              if (ended) resolve();
            } else {
              scheduled = true;
              setImmediate(handOver);
            }
          };
          // A Query with a 'row' listener and no callback does not collect its rows (pg's Query.handleRowDescription).
          const config: QueryArrayConfig = { text, values: params as unknown[], rowMode: 'array', name };
          const query = new Query<unknown[]>(config);
          query.on('row', (row: unknown[]) => {
            if (failed !== undefined) return;
            pending.push(row);
            if (!scheduled) {
              scheduled = true;
              setImmediate(handOver);
            }
          });
          query.on('end', () => {
            ended = true;
            if (!scheduled) resolve();
          });
          query.on('error', (error: Error) => {
            failed ??= { error };
            reject(error);
          });
          client.query(query);
        }),
    );
    if (failed !== undefined) throw failed.error;
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => fn(sqlTransactionOf(client)));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The event store on a PostgreSQL server, for deployments. */
export class PostgresEventStore extends SqlEventStore {
  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const location = describePostgresUrl(options.connectionString);
    const max = options.poolSize ?? 20;
    const pool = new Pool({
      connectionString: options.connectionString,
      max,
      min: options.openAllConnections ? max : 0,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    });
    // An idle connection that breaks (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const store = new PostgresEventStore(new PgPoolDriver(pool, location), options);
    try {
      await store.migrate();
      if (options.openAllConnections) await openConnections(pool, max);
    } catch (error) {
      await pool.end().catch(() => undefined);
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`cannot open the PostgreSQL event store at ${location} (${reason})`, { cause: error });
    }
    return store;
  }
}

/** Connects `count` clients at once, then returns them to the pool (which keeps at least `min` idle ones). */
async function openConnections(pool: Pool, count: number): Promise<void> {
  const clients = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) if (client.status === 'fulfilled') client.value.release();
  const failed = clients.find((client) => client.status === 'rejected');
  if (failed) throw failed.reason;
}
