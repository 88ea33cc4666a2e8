import { loadConfig } from '@fristvagt/config';
import { type EventStore, SqlEventStore } from '@fristvagt/event-store';
import { openEventStore } from '@fristvagt/event-store-nest';
import { openReadModels, PROJECTION_NAMES, projectionsFor } from '@fristvagt/read-models';
import {
  leadershipKey,
  type Projection,
  ProjectionRunner,
  projectionStatus,
  readCheckpoint,
  readRegistry,
  type ReadModelDatabase,
  REGISTRY_SCHEMA,
  requestRebuild,
} from '@fristvagt/projections';

export const PROJECTIONS_USAGE = `  fristvagt projections status
  fristvagt projections rebuild [name]   (names: ${PROJECTION_NAMES.join(', ')})`;

export interface ProjectionsIo {
  stdout(text: string): void;
  /** Progress goes here, redrawn in place. */
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** How often progress is redrawn. Default 500 ms. */
  readonly progressEveryMs?: number;
}

class ProjectionsUsageError extends Error {}

/**
 * `fristvagt projections ...`. `rebuild` builds a fresh generation of each named read model from the start
 * of the log and switches queries over to it once it has caught up; the current one serves until then. If a
 * worker leads the projection, the worker builds it and this command shows its progress; otherwise this
 * process takes the lead and builds it itself. Exit code 0 ok, 2 usage error, 1 failure.
 */
export async function runProjections(args: readonly string[], io: ProjectionsIo): Promise<number> {
  const [command, ...rest] = args;
  let chosen: readonly string[];
  try {
    if (command === 'status') {
      if (rest.length > 0) throw new ProjectionsUsageError('projections status takes no arguments');
      chosen = PROJECTION_NAMES;
    } else if (command === 'rebuild') {
      if (rest.length > 1) throw new ProjectionsUsageError('projections rebuild takes at most one name');
      chosen = rest.length === 0 ? PROJECTION_NAMES : PROJECTION_NAMES.filter((name) => name === rest[0]);
      if (chosen.length === 0) {
        throw new ProjectionsUsageError(
          `Unknown projection: ${rest[0]} (known: ${PROJECTION_NAMES.join(', ')})`,
        );
      }
    } else {
      throw new ProjectionsUsageError(
        command === undefined ? 'projections needs a command' : `Unknown command: projections ${command}`,
      );
    }
  } catch (error) {
    if (!(error instanceof ProjectionsUsageError)) throw error;
    io.stderr(`${error.message}\n\nUsage:\n${PROJECTIONS_USAGE}\n`);
    return 2;
  }

  let store: EventStore | undefined;
  let db: ReadModelDatabase | undefined;
  try {
    const config = loadConfig(io.env);
    store = await openEventStore(config.eventStore);
    db = await openReadModels(config, store);
    const projections = projectionsFor(config).filter((p) => chosen.includes(p.name));
    for (const projection of projections) {
      if (command === 'status') {
        io.stdout(`${JSON.stringify(await projectionStatus(db, store, projection, new Date()), null, 2)}\n`);
      } else {
        await rebuild(projection, db, store, io);
      }
    }
    return 0;
  } catch (error) {
    io.stderr(`projections: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
  }
}

async function rebuild(
  projection: Projection,
  db: ReadModelDatabase,
  store: EventStore,
  io: ProjectionsIo,
): Promise<void> {
  await requestRebuild(db, projection.name);
  // The rebuild's generation is the next one the registry hands out (whoever starts it).
  const [[next]] = await db.query(
    `SELECT next_generation FROM ${REGISTRY_SCHEMA}.projections WHERE name = $1`,
    [projection.name],
  );
  const firstNew = Number(next);
  const total = await countEvents(store);
  const progress = new ProgressBar(projection.name, total, io);
  const leadership = await db.tryLeadership(leadershipKey(projection.name));
  const runner = new ProjectionRunner(projection, db, store);
  try {
    for (;;) {
      if (leadership !== null) await runner.step();
      else await new Promise((resolve) => setTimeout(resolve, io.progressEveryMs ?? 500));
      const registry = await readRegistry(db, projection.name);
      if (registry === null) throw new Error(`projection ${projection.name} is not registered`);
      const active = registry.active;
      if (registry.building === null && active !== null && active.generation >= firstNew) {
        const done = await readCheckpoint(db, projection.name, active.generation);
        progress.finish(done?.events ?? 0, active.generation);
        return;
      }
      if (registry.building === null) continue;
      const checkpoint = await readCheckpoint(db, projection.name, registry.building.generation);
      progress.update(
        checkpoint?.events ?? 0,
        leadership === null ? 'built by the worker that leads it' : 'built here',
      );
    }
  } finally {
    await leadership?.release();
  }
}

/** Events in the log, where the store can count them cheaply (PostgreSQL, PGlite); otherwise unknown. */
async function countEvents(store: EventStore): Promise<number | null> {
  if (!(store instanceof SqlEventStore)) return null;
  const rows = await store.sqlDriver().query('SELECT count(*) FROM fristvagt.events', []);
  return Number(rows[0][0]);
}

/** A one-line progress bar with events/s and an ETA, redrawn in place on a terminal. */
class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly name: string,
    private readonly total: number | null,
    private readonly io: ProjectionsIo,
  ) {}

  update(done: number, how: string): void {
    const now = performance.now();
    if (now - this.lastDraw < (this.io.progressEveryMs ?? 500)) return;
    this.lastDraw = now;
    this.io.stderr(`\r${this.line(done)}  (${how})`);
  }

  finish(done: number, generation: number): void {
    this.io.stderr(`\r${this.line(done)}\n`);
    const seconds = (performance.now() - this.started) / 1000;
    this.io.stdout(
      `${JSON.stringify({ projection: this.name, generation, events: done, seconds: round(seconds), eventsPerSecond: Math.round(done / Math.max(seconds, 0.001)) })}\n`,
    );
  }

  private line(done: number): string {
    const seconds = Math.max((performance.now() - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const total = this.total !== null ? Math.max(this.total, done) : null;
    const width = 30;
    const share = total === null || total === 0 ? null : Math.min(1, done / total);
    const bar =
      share === null
        ? ''
        : `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${Math.floor(share * 100)}% `;
    const eta = total === null || rate === 0 ? '' : `  ETA ${formatSeconds((total - done) / rate)}`;
    return `${this.name} ${bar}${done.toLocaleString('en')}${total === null ? '' : `/${total.toLocaleString('en')}`} events  ${Math.round(rate).toLocaleString('en')} events/s${eta}`;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
