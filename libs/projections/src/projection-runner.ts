import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@fristvagt/event-store';
import type { ApplyMode, Projection } from './projection';
import { tableNames } from './projection';
import { READ_MODEL_SCHEMA, type Leadership, type ReadModelDatabase } from './read-model-database';
import { ensureRegistry, readCheckpoint, readRegistry, REGISTRY_SCHEMA } from './registry';

export interface ProjectionRunnerOptions {
  /** Wait between polls of the log when caught up. Default 50 ms. */
  readonly pollMs?: number;
  /** How often a standby tries to take the leadership. Default 1,000 ms. */
  readonly standbyPollMs?: number;
  /** Events per transaction when following the log. Default 1,000. */
  readonly liveBatch?: number;
  /**
   * Events per transaction when building a generation from the start. Default 5,000: a fifth of the commits and
   * statements of 1,000. A batch's parsed events live until its commit, and with the one read ahead they must
   * fit V8's young generation, or every batch is copied and promoted before it dies: the processes that run
   * projections start node with `--max-semi-space-size=64` (package.json), where 5,000 (some 15 MB a batch)
   * fit; at node's default of 16 MB, 2,000 did and 10,000 took half the CPU of reading the log in garbage
   * collection (docs/benchmarks.md, "Deadline engine").
   */
  readonly rebuildBatch?: number;
  /**
   * Called after a batch of the serving generation committed (never for history replayed by a rebuild
   * that has a live generation beside it). At least once per event; a failure is reported, not retried.
   */
  readonly afterCommit?: (events: readonly RecordedEvent[]) => Promise<void>;
  readonly onError?: (error: unknown, context: string) => void;
}

/** ProjectionRunnerOptions.rebuildBatch's default. */
export const DEFAULT_REBUILD_BATCH = 5_000;

export type RunnerRole = 'leader' | 'standby' | 'stopped';

/** Key of a projection's leadership lock: a hash of its name in a range of its own. */
export function leadershipKey(name: string): bigint {
  let hash = 0x46565052n; // "FVPR"
  for (const char of name) hash = (hash * 31n + BigInt(char.codePointAt(0)!)) & 0xffffffffn;
  return 0x4656_0000_0000_0000n | hash;
}

/**
 * Runs one projection: one leader across every process on the read-model database (an advisory lock),
 * the others standing by. The leader applies the log in batches, each in one transaction with the
 * checkpoint that moves past it, so a crash at any instant neither loses nor repeats an event. The
 * checkpoint row is locked and compared first, so even two processes that both believe they lead (a lock
 * connection lost unnoticed) cannot apply a batch twice.
 */
export class ProjectionRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private currentRole: RunnerRole = 'stopped';
  private wake: (() => void) | undefined;
  private readonly pollMs: number;
  private readonly standbyPollMs: number;
  private readonly liveBatch: number;
  private readonly rebuildBatch: number;
  /** The batch after the one being applied, read meanwhile (PostgreSQL: the log is read on another connection). */
  private readAhead: ReadAhead | undefined;

  constructor(
    readonly projection: Projection,
    private readonly db: ReadModelDatabase,
    private readonly store: EventStore,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 50;
    this.standbyPollMs = options.standbyPollMs ?? 1_000;
    this.liveBatch = options.liveBatch ?? 1_000;
    this.rebuildBatch = options.rebuildBatch ?? DEFAULT_REBUILD_BATCH;
  }

  role(): RunnerRole {
    return this.currentRole;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await ensureRegistry(this.db, this.projection.name);
    this.running = true;
    this.currentRole = 'standby';
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.currentRole = 'stopped';
  }

  /** Builds and follows until the log is exhausted once (for the CLI and tests that need no live loop). */
  async runUntilCaughtUp(): Promise<void> {
    await ensureRegistry(this.db, this.projection.name);
    for (;;) {
      const applied = await this.step();
      if (applied === 0) return;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let leadership: Leadership | null = null;
      try {
        leadership = await this.db.tryLeadership(leadershipKey(this.projection.name));
      } catch (error) {
        this.options.onError?.(error, 'leadership');
      }
      if (leadership === null) {
        this.currentRole = 'standby';
        await this.sleep(this.standbyPollMs);
        continue;
      }
      this.currentRole = 'leader';
      try {
        while (this.running && leadership.isHeld()) {
          const applied = await this.step();
          if (applied === 0) await this.sleep(this.pollMs, leadership.lost);
        }
      } catch (error) {
        this.options.onError?.(error, 'apply');
        await this.sleep(this.standbyPollMs);
      } finally {
        await leadership.release().catch(() => undefined);
        this.currentRole = this.running ? 'standby' : 'stopped';
      }
    }
  }

  /** One round: start a generation if one is due, advance the building and the live one. Events applied. */
  async step(): Promise<number> {
    const { name, version } = this.projection;
    let registry = await readRegistry(this.db, name);
    if (registry === null) throw new Error(`projection ${name} is not registered`);
    const needsBuild =
      registry.building === null &&
      (registry.active === null || registry.active.version !== version || registry.rebuildRequested);
    const foreignBuild = registry.building !== null && registry.building.version !== version;
    if (needsBuild || foreignBuild) {
      await this.startGeneration();
      registry = (await readRegistry(this.db, name))!;
    }
    const live = registry.active !== null && registry.active.version === version ? registry.active : null;
    let applied = 0;
    if (registry.building !== null) {
      const { count, caughtUp } = await this.advance(
        registry.building.generation,
        this.rebuildBatch,
        live === null,
        'build',
      );
      applied += count;
      const building = registry.building.generation;
      if (caughtUp && (await this.hasOvertaken(building, registry.active?.generation ?? null))) {
        await this.switchOver(building);
      }
    }
    if (live !== null) applied += (await this.advance(live.generation, this.liveBatch, true, 'live')).count;
    return applied;
  }

  /**
   * A short batch alone does not prove a generation has reached the head of the log: readers are held back
   * behind transactions still open on the server. So a new generation takes over only once it has also
   * applied everything the current one had.
   */
  private async hasOvertaken(building: number, active: number | null): Promise<boolean> {
    if (active === null) return true;
    const [mine, theirs] = await Promise.all([
      readCheckpoint(this.db, this.projection.name, building),
      readCheckpoint(this.db, this.projection.name, active),
    ]);
    if (theirs?.position == null) return true;
    return mine?.position != null && comparePositions(mine.position, theirs.position) >= 0;
  }

  /** Applies the next batch to `generation`; reads the log before the transaction (PGlite has one connection). */
  private async advance(
    generation: number,
    batch: number,
    serving: boolean,
    mode: ApplyMode,
  ): Promise<{ count: number; caughtUp: boolean }> {
    const { name } = this.projection;
    const before = await readCheckpoint(this.db, name, generation);
    if (before === null) return { count: 0, caughtUp: false };
    const events = await this.read(generation, before.position, batch);
    const caughtUp = events.length < batch;
    if (events.length === 0) {
      if (before.caughtUpAt === null) await this.markCaughtUp(generation);
      return { count: 0, caughtUp };
    }
    const tables = tableNames(this.projection, READ_MODEL_SCHEMA, generation);
    const last = events[events.length - 1].position;
    if (!caughtUp && this.db.adapter === 'postgres') this.readNext(generation, last, batch);
    const committed = await this.db.transaction(async (tx) => {
      // A generation being built commits without waiting for its WAL to reach the disk. A crash may then
      // lose its last few batches, but whole, each with the checkpoint that moved past it, so the build
      // applies them again from the log; the switch-over's commit waits as usual, and with it everything
      // before it. What a lost batch handed to afterCommit is handed again (wake-ups are idempotent).
      if (mode === 'build' && this.db.adapter === 'postgres') {
        await tx.query('SET LOCAL synchronous_commit = off');
      }
      const locked = await readCheckpoint(tx, name, generation, true);
      if (locked === null || !samePosition(locked.position, before.position)) return false;
      await this.projection.apply(tx, events, tables, mode);
      await tx.query(
        `UPDATE ${REGISTRY_SCHEMA}.checkpoints
            SET commit_position = $3, prepare_position = $4, events = events + $5, updated_at = now(),
                caught_up_at = CASE WHEN $6 THEN coalesce(caught_up_at, now()) ELSE caught_up_at END
          WHERE name = $1 AND generation = $2`,
        [name, generation, last.commit.toString(), last.prepare.toString(), events.length, caughtUp],
      );
      return true;
    });
    if (!committed) return { count: 0, caughtUp: false };
    if (serving && this.options.afterCommit !== undefined) {
      await this.options
        .afterCommit(events)
        .catch((error: unknown) => this.options.onError?.(error, 'after-commit'));
    }
    return { count: events.length, caughtUp };
  }

  /**
   * The events after `after`: those read ahead if they start there, else from the log. Read ahead are only the
   * batches that follow a full one (a build, or a live generation catching up), so that a batch's reading and
   * decoding overlaps the server's work on the one before.
   */
  private async read(generation: number, after: Position | null, batch: number): Promise<RecordedEvent[]> {
    const ahead = this.readAhead;
    this.readAhead = undefined;
    if (ahead?.generation === generation && ahead.batch === batch && samePosition(ahead.after, after)) {
      // A read that failed is made again here, and fails (or not) where it is reported.
      const events = await ahead.events.catch(() => null);
      if (events !== null) return events;
    }
    return this.store.readAll({ fromPosition: after ?? 'start', maxCount: batch });
  }

  private readNext(generation: number, after: Position, batch: number): void {
    const events = this.store.readAll({ fromPosition: after, maxCount: batch });
    events.catch(() => undefined); // handled where it is awaited, or dropped with the read-ahead
    this.readAhead = { generation, after, batch, events };
  }

  private async markCaughtUp(generation: number): Promise<void> {
    await this.db.query(
      `UPDATE ${REGISTRY_SCHEMA}.checkpoints SET caught_up_at = now() WHERE name = $1 AND generation = $2 AND caught_up_at IS NULL`,
      [this.projection.name, generation],
    );
  }

  /** Creates a fresh generation's tables and its checkpoint at the start of the log. */
  private async startGeneration(): Promise<void> {
    const { name, version } = this.projection;
    await this.db.transaction(async (tx) => {
      const registry = await readRegistry(tx, name, true);
      if (registry === null) return;
      if (registry.building !== null) {
        if (registry.building.version === version) return;
        // A build by another version of the code, abandoned when its leader went: this code rebuilds.
        await this.dropGeneration(tx, registry.building.generation);
      }
      const rows = await tx.query(
        `UPDATE ${REGISTRY_SCHEMA}.projections
            SET building_generation = next_generation, building_version = $2,
                next_generation = next_generation + 1, rebuild_requested_at = NULL
          WHERE name = $1 RETURNING building_generation`,
        [name, version],
      );
      const generation = Number(rows[0][0]);
      await this.projection.setup(tx, tableNames(this.projection, READ_MODEL_SCHEMA, generation));
      await tx.query(
        `INSERT INTO ${REGISTRY_SCHEMA}.checkpoints (name, generation, version) VALUES ($1, $2, $3)
         ON CONFLICT (name, generation) DO NOTHING`,
        [name, generation, version],
      );
    });
  }

  /**
   * The built generation gets its query indexes and becomes the one queries read; the previous one is dropped
   * in the same transaction.
   */
  private async switchOver(generation: number): Promise<void> {
    const { name } = this.projection;
    await this.db.transaction(async (tx) => {
      const registry = await readRegistry(tx, name, true);
      if (registry?.building?.generation !== generation) return;
      await this.projection.finish?.(tx, tableNames(this.projection, READ_MODEL_SCHEMA, generation));
      await tx.query(
        `UPDATE ${REGISTRY_SCHEMA}.projections
            SET active_generation = building_generation, active_version = building_version,
                building_generation = NULL, building_version = NULL, switched_at = now()
          WHERE name = $1`,
        [name],
      );
      if (registry.active !== null) await this.dropGeneration(tx, registry.active.generation);
    });
  }

  private async dropGeneration(tx: { query: ReadModelDatabase['query'] }, generation: number): Promise<void> {
    const tables = tableNames(this.projection, READ_MODEL_SCHEMA, generation);
    for (const table of Object.values(tables)) await tx.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    await tx.query(`DELETE FROM ${REGISTRY_SCHEMA}.checkpoints WHERE name = $1 AND generation = $2`, [
      this.projection.name,
      generation,
    ]);
  }

  private sleep(ms: number, lost?: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      void lost?.then(done);
    });
  }
}

interface ReadAhead {
  readonly generation: number;
  readonly after: Position;
  readonly batch: number;
  readonly events: Promise<RecordedEvent[]>;
}

function samePosition(a: Position | null, b: Position | null): boolean {
  if (a === null || b === null) return a === b;
  return comparePositions(a, b) === 0;
}
