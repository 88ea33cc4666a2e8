import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { SqlDriver, SqlTransaction } from '../sql/sql-driver';
import { SqlEventStore, SqlEventStoreOptions } from '../sql/sql-event-store';

export interface PgliteEventStoreOptions extends SqlEventStoreOptions {
  /** Folder for the embedded database (created if missing); the store keeps its files in `<dataDir>/pglite`. */
  readonly dataDir: string;
}

class PgliteDriver implements SqlDriver {
  readonly adapter = 'pglite' as const;

  constructor(
    private readonly db: PGlite,
    readonly location: string,
  ) {}

  async query(text: string, params: readonly unknown[]): Promise<unknown[][]> {
    return (await this.db.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
  }

  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      fn({
        query: async (text, params = []) =>
          (await tx.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
        exec: async (sql) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * The event store embedded in the process: PostgreSQL compiled to WebAssembly (PGlite), persisted in a
 * local folder, running the very same SQL as PostgresEventStore. One process per folder.
 */
export class PgliteEventStore extends SqlEventStore {
  static async open(options: PgliteEventStoreOptions): Promise<PgliteEventStore> {
    const folder = resolve(join(options.dataDir, 'pglite'));
    try {
      await mkdir(folder, { recursive: true });
      const db = await PGlite.create(folder);
      const store = new PgliteEventStore(new PgliteDriver(db, folder), options);
      await store.migrate();
      return store;
    } catch (error) {
      throw new Error(`cannot open the embedded event store in ${folder} (${(error as Error).message})`, {
        cause: error,
      });
    }
  }

  /** An in-memory store that keeps nothing: for tests and tools. */
  static async inMemory(options: SqlEventStoreOptions = {}): Promise<PgliteEventStore> {
    const db = await PGlite.create();
    const store = new PgliteEventStore(new PgliteDriver(db, 'memory'), options);
    await store.migrate();
    return store;
  }
}
