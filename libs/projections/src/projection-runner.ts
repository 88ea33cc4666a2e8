import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@fristvagt/event-store';
import type { ApplyMode, Projection, ProjectionBatch, TableNames } from './projection';
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
  /**
   * Which events afterCommit needs, asked of each as it is read: the others are let go once the projection's
   * batch has them rather than held until the commit. Default: every event.
   */
  readonly afterCommitNeeds?: (event: RecordedEvent) => boolean;
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
  /**
   * Per generation, the batch after the one being applied, read meanwhile (PostgreSQL: the log is read on another
   * connection). Per generation, so that a build beside a live generation keeps its own between the steps that
   * advance both.
   */
  private readonly readAhead = new Map<number, ReadAhead>();

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
    const wanted: Wanted = {
      generation,
      after: before.position,
      batch,
      mode,
      // Only afterCommit needs the events themselves once the projection's batch has taken them.
      keepEvents: serving && this.options.afterCommit !== undefined,
    };
    const read = await this.read(wanted);
    const caughtUp = read.count < batch;
    if (read.last === null) {
      if (before.caughtUpAt === null) await this.markCaughtUp(generation);
      return { count: 0, caughtUp };
    }
    const last = read.last;
    if (!caughtUp && this.db.adapter === 'postgres') this.readNext({ ...wanted, after: last });
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
      await read.batch.write(tx);
      await tx.query(
        `UPDATE ${REGISTRY_SCHEMA}.checkpoints
            SET commit_position = $3, prepare_position = $4, events = events + $5, updated_at = now(),
                caught_up_at = CASE WHEN $6 THEN coalesce(caught_up_at, now()) ELSE caught_up_at END
          WHERE name = $1 AND generation = $2`,
        [name, generation, last.commit.toString(), last.prepare.toString(), read.count, caughtUp],
      );
      return true;
    });
    if (!committed) return { count: 0, caughtUp: false };
    if (read.events !== null) {
      await this.options.afterCommit!(read.events).catch((error: unknown) =>
        this.options.onError?.(error, 'after-commit'),
      );
    }
    return { count: read.count, caughtUp };
  }

  /**
   * The batch after `wanted.after`: the one read ahead if it is that one, else read now. Read ahead are only
   * the batches that follow a full one (a build, or a live generation catching up), so that a batch's reading
   * and decoding, and the projection's work on each event as it arrives, overlap the server's work on the one
   * before.
   */
  private async read(wanted: Wanted): Promise<ReadBatch> {
    const ahead = this.readAhead.get(wanted.generation);
    this.readAhead.delete(wanted.generation);
    if (ahead !== undefined && sameWanted(ahead.wanted, wanted)) {
      // A read that failed is made again here, and fails (or not) where it is reported.
      const read = await ahead.read.catch(() => null);
      if (read !== null) return read;
    }
    return this.readBatch(wanted);
  }

  private readNext(wanted: Wanted): void {
    const read = this.readBatch(wanted);
    read.catch(() => undefined); // handled where it is awaited, or dropped with the read-ahead
    this.readAhead.set(wanted.generation, { wanted, read });
  }

  /** Reads a batch of the log into a fresh batch of the projection, each event as it is decoded. */
  private async readBatch(wanted: Wanted): Promise<ReadBatch> {
    const tables = tableNames(this.projection, READ_MODEL_SCHEMA, wanted.generation);
    const batch =
      this.projection.begin?.(tables, wanted.mode) ?? collected(this.projection, tables, wanted.mode);
    const read: ReadBatch = { batch, count: 0, last: null, events: wanted.keepEvents ? [] : null };
    const needs = this.options.afterCommitNeeds;
    const add = (event: RecordedEvent) => {
      batch.add(event);
      if (read.events !== null && (needs === undefined || needs(event))) read.events.push(event);
      read.count++;
      read.last = event.position;
    };
    const options = { fromPosition: wanted.after ?? ('start' as const), maxCount: wanted.batch };
    if (this.store.readAllEach !== undefined) await this.store.readAllEach(options, add);
    else for (const event of await this.store.readAll(options)) add(event);
    return read;
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

/** Which batch of the log a read is for, and what it must keep. */
interface Wanted {
  readonly generation: number;
  readonly after: Position | null;
  readonly batch: number;
  readonly mode: ApplyMode;
  readonly keepEvents: boolean;
}

interface ReadBatch {
  readonly batch: ProjectionBatch;
  count: number;
  last: Position | null;
  /** The events themselves, for afterCommit; null when nothing needs them. */
  readonly events: RecordedEvent[] | null;
}

interface ReadAhead {
  readonly wanted: Wanted;
  readonly read: Promise<ReadBatch>;
}

function sameWanted(a: Wanted, b: Wanted): boolean {
  return (
    a.generation === b.generation &&
    a.batch === b.batch &&
    a.mode === b.mode &&
    a.keepEvents === b.keepEvents &&
    samePosition(a.after, b.after)
  );
}

/** The batch of a projection without `begin`: its events collected for `apply`. */
function collected(projection: Projection, tables: TableNames, mode: ApplyMode): ProjectionBatch {
  const events: RecordedEvent[] = [];
  return {
    add: (event) => events.push(event),
    write: (tx) => projection.apply(tx, events, tables, mode),
  };
}

function samePosition(a: Position | null, b: Position | null): boolean {
  if (a === null || b === null) return a === b;
  return comparePositions(a, b) === 0;
}
