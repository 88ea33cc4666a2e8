import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  describePostgresUrl,
  inTransaction,
  PgPoolDriver,
  sqlTransactionOf,
  type SqlDriver,
} from '@fristvagt/event-store';
import type { ReadModelTransaction } from './projection';

/**
 * Where read models live: a PostgreSQL database (the event store's own, or DATABASE_URL's beside
 * EventStoreDB) or an embedded PGlite (the event store's, or one of its own in DATA_DIR). Read models and
 * their checkpoints are written in one transaction on it.
 */
export interface ReadModelDatabase {
  readonly adapter: 'postgres' | 'pglite';
  readonly location: string;
  query(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  transaction<T>(fn: (tx: ReadModelTransaction) => Promise<T>): Promise<T>;
  /**
   * Tries to become the one leader of `key` across every process on this database (a session advisory
   * lock on a connection of its own). Null if another process leads. The leadership ends when released or
   * when its connection is lost (then `lost` resolves), so a standby takes over within its poll interval.
   */
  tryLeadership(key: bigint): Promise<Leadership | null>;
  close(): Promise<void>;
}

export interface Leadership {
  /** Resolves when the lock's connection is lost: stop writing as leader. */
  readonly lost: Promise<void>;
  isHeld(): boolean;
  release(): Promise<void>;
}

/** The read models' own schema in the database. */
export const READ_MODEL_SCHEMA = 'read_models';

class PostgresReadModelDatabase implements ReadModelDatabase {
  readonly adapter = 'postgres' as const;

  private readonly driver: PgPoolDriver;

  constructor(
    private readonly pool: Pool,
    private readonly url: string,
    readonly location: string,
  ) {
    this.driver = new PgPoolDriver(pool, location);
  }

  query(text: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.driver.query(text, params);
  }

  /** The event store's transaction (PgPoolDriver), plus COPY, which needs the connection itself. */
  transaction<T>(fn: (tx: ReadModelTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) =>
      fn({
        ...sqlTransactionOf(client),
        copyFrom: async (statement, data) => {
          const copy = client.query(copyFrom(statement));
          copy.end(data);
          await finished(copy);
        },
      }),
    );
  }

  async tryLeadership(key: bigint): Promise<Leadership | null> {
    // Keepalive, so that the server notices a leader whose host vanished and frees its lock.
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    let held = false;
    let markLost: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (markLost = resolve));
    const onGone = () => {
      held = false;
      markLost();
    };
    client.on('error', onGone);
    client.on('end', onGone);
    try {
      await client.connect();
      const rows = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
        key.toString(),
      ]);
      held = rows.rows[0]?.ok === true;
    } catch {
      held = false;
    }
    if (!held) {
      await client.end().catch(() => undefined);
      return null;
    }
    return {
      lost,
      isHeld: () => held,
      release: async () => {
        if (!held) return;
        held = false;
        await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** PGlite is one process per folder: that process is every projection's leader. */
class PgliteReadModelDatabase implements ReadModelDatabase {
  readonly adapter = 'pglite' as const;
  private readonly held = new Set<bigint>();

  constructor(
    private readonly driver: SqlDriver,
    private readonly owned: boolean,
  ) {}

  get location(): string {
    return this.driver.location;
  }

  query(text: string, params: readonly unknown[] = []): Promise<unknown[][]> {
    return this.driver.query(text, params);
  }

  transaction<T>(fn: (tx: ReadModelTransaction) => Promise<T>): Promise<T> {
    return this.driver.transaction(fn);
  }

  async tryLeadership(key: bigint): Promise<Leadership | null> {
    if (this.held.has(key)) return null;
    this.held.add(key);
    let held = true;
    return {
      lost: new Promise<void>(() => undefined),
      isHeld: () => held,
      release: async () => {
        held = false;
        this.held.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    if (this.owned) await this.driver.close();
  }
}

export interface OpenReadModelDatabaseOptions {
  /** Connections for queries and projection batches (leadership locks take one more each). Default 5. */
  readonly poolSize?: number;
}

/** A PostgreSQL database for read models, by URL. */
export async function openPostgresReadModels(
  url: string,
  options: OpenReadModelDatabaseOptions = {},
): Promise<ReadModelDatabase> {
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: 5_000,
    // Every statement here is short and index-driven. PostgreSQL compiles one with JIT when its cost
    // estimate is high, which here means that a generation being built has no statistics yet; compiling
    // then took ten times as long as the statement (docs/benchmarks.md, "Deadline engine").
    options: '-c jit=off',
  });
  // An idle connection that breaks (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const location = describePostgresUrl(url);
  const db = new PostgresReadModelDatabase(pool, url, location);
  try {
    await db.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return db;
}

/** Read models on the event store's own PGlite (shared: the store closes it). */
export function sharedPgliteReadModels(driver: SqlDriver): ReadModelDatabase {
  return new PgliteReadModelDatabase(driver, false);
}

/** Read models in a PGlite of their own, in `<dataDir>/read-models` (beside EventStoreDB without DATABASE_URL). */
export async function ownPgliteReadModels(dataDir: string): Promise<ReadModelDatabase> {
  const folder = resolve(join(dataDir, 'read-models'));
  await mkdir(folder, { recursive: true });
  const db = await PGlite.create(folder);
  const driver: SqlDriver = {
    adapter: 'pglite',
    location: folder,
    query: async (text, params) =>
      (await db.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (text, params = []) =>
            (await tx.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
          exec: async (sql) => {
            await tx.exec(sql);
          },
        }),
      ),
    close: () => db.close(),
  };
  return new PgliteReadModelDatabase(driver, true);
}
