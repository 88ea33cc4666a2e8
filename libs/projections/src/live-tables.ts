import { comparePositions, formatPosition, type Position } from '@fristvagt/event-store';
import { type Projection, tableNames, type TableNames } from './projection';
import { READ_MODEL_SCHEMA, type ReadModelDatabase } from './read-model-database';
import { readCheckpoint, readRegistry } from './registry';

/** The read model is not (yet) built by this version of the code: a rebuild is running, or none has started. */
export class ReadModelNotReady extends Error {
  readonly code = 'read-model-not-ready';
  constructor(
    readonly projection: string,
    readonly progress: { readonly eventsApplied: number } | null,
  ) {
    super(
      progress === null
        ? `The ${projection} read model has not been built yet`
        : `The ${projection} read model is being rebuilt (${progress.eventsApplied} events applied so far)`,
    );
    this.name = 'ReadModelNotReady';
  }
}

export interface ReadModelCheckpoint {
  readonly position: Position | null;
  /** `commit:prepare`, or null before the first event. */
  readonly token: string | null;
  readonly generation: number;
  readonly updatedAt: string;
}

/** SQLSTATE undefined_table. */
const UNDEFINED_TABLE = '42P01';

/**
 * The tables a query reads: those of the live generation that this version of the code built (see
 * ProjectionRunner). Cached for a second; a switch-over drops the previous generation's tables, so a query
 * that ran on cached names that are gone runs once more on the new ones.
 */
export class LiveTables {
  private cached: { tables: TableNames; generation: number; at: number } | undefined;

  constructor(
    private readonly db: ReadModelDatabase,
    private readonly projection: Projection,
  ) {}

  async tables(): Promise<{ tables: TableNames; generation: number }> {
    if (this.cached !== undefined && performance.now() - this.cached.at < 1_000) return this.cached;
    const { name, version } = this.projection;
    const registry = await readRegistry(this.db, name).catch(() => null);
    const active = registry?.active;
    if (active === undefined || active === null || active.version !== version) {
      const building = registry?.building ?? null;
      const progress = building === null ? null : await readCheckpoint(this.db, name, building.generation);
      this.cached = undefined;
      throw new ReadModelNotReady(name, progress === null ? null : { eventsApplied: progress.events });
    }
    const tables = tableNames(this.projection, READ_MODEL_SCHEMA, active.generation);
    this.cached = { tables, generation: active.generation, at: performance.now() };
    return this.cached;
  }

  async run<T>(query: (tables: TableNames) => Promise<T>): Promise<T> {
    try {
      return await query((await this.tables()).tables);
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
      this.cached = undefined;
      return query((await this.tables()).tables);
    }
  }

  async checkpoint(): Promise<ReadModelCheckpoint> {
    const { name } = this.projection;
    let { generation } = await this.tables();
    let row = await readCheckpoint(this.db, name, generation);
    if (row === null) {
      // Switched over since the table names were cached: the old generation's checkpoint is gone.
      this.cached = undefined;
      ({ generation } = await this.tables());
      row = await readCheckpoint(this.db, name, generation);
    }
    return {
      position: row?.position ?? null,
      token: row?.position ? formatPosition(row.position) : null,
      generation,
      updatedAt: row?.updatedAt ?? new Date(0).toISOString(),
    };
  }

  /**
   * Waits until the read model has applied the event at `position` (or anything after it), polling its
   * checkpoint, for at most `timeoutMs`. Resolves with the checkpoint and whether it was reached.
   */
  async waitFor(
    position: Position,
    timeoutMs: number,
  ): Promise<{ checkpoint: ReadModelCheckpoint; reached: boolean }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const checkpoint = await this.checkpoint();
      const reached = checkpoint.position !== null && comparePositions(checkpoint.position, position) >= 0;
      if (reached || performance.now() >= deadline) return { checkpoint, reached };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * A read model whose queries run on the live generation of one projection's tables (see LiveTables), and
 * that says how far that generation has read the log.
 */
export abstract class LiveReadModel {
  protected readonly live: LiveTables;

  protected constructor(
    protected readonly db: ReadModelDatabase,
    projection: Projection,
  ) {
    this.live = new LiveTables(db, projection);
  }

  checkpoint(): Promise<ReadModelCheckpoint> {
    return this.live.checkpoint();
  }

  /** See LiveTables.waitFor. */
  waitFor(
    position: Position,
    timeoutMs: number,
  ): Promise<{ checkpoint: ReadModelCheckpoint; reached: boolean }> {
    return this.live.waitFor(position, timeoutMs);
  }
}
