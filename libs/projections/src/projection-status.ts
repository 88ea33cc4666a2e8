import type { EventStore } from '@fristvagt/event-store';
import type { Projection } from './projection';
import type { ReadModelDatabase } from './read-model-database';
import { readCheckpoint, readRegistry } from './registry';

/** How far behind the log a projection may be before /health counts it: beyond this, "10000+". */
const LAG_PROBE_EVENTS = 10_000;

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** `live`: the generation of this version serves queries; `building`: it is being built; `absent`: neither. */
  readonly state: 'live' | 'building' | 'absent';
  readonly generation: number | null;
  /** `commit:prepare` of the last applied event. */
  readonly checkpoint: string | null;
  readonly eventsApplied: number;
  /** Events in the log after the checkpoint, counted up to 10,000 (`lagEventsCapped` says the count stopped there). */
  readonly lagEvents: number;
  readonly lagEventsCapped: boolean;
  /** Age of the oldest event not yet applied (0 when caught up). */
  readonly lagSeconds: number;
}

/** The status of a projection as any process sees it (leader or not), from its checkpoint and the log. */
export async function projectionStatus(
  db: ReadModelDatabase,
  store: EventStore,
  projection: Projection,
  now: Date,
): Promise<ProjectionStatus> {
  const registry = await readRegistry(db, projection.name);
  const live = registry?.active?.version === projection.version ? registry.active : null;
  const building = registry?.building?.version === projection.version ? registry.building : null;
  const current = live ?? building;
  const base = { name: projection.name, version: projection.version };
  // Without a generation of this version nothing of the log is reflected: the lag counts from its start.
  const checkpoint = current === null ? null : await readCheckpoint(db, projection.name, current.generation);
  const behind = await store.readAll({
    fromPosition: checkpoint?.position ?? 'start',
    maxCount: LAG_PROBE_EVENTS,
  });
  const oldest = behind[0]?.metadata.recordedAt;
  return {
    ...base,
    state: live !== null ? 'live' : building !== null ? 'building' : 'absent',
    generation: current?.generation ?? null,
    checkpoint: checkpoint?.position ? `${checkpoint.position.commit}:${checkpoint.position.prepare}` : null,
    eventsApplied: checkpoint?.events ?? 0,
    lagEvents: behind.length,
    lagEventsCapped: behind.length >= LAG_PROBE_EVENTS,
    lagSeconds: oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000),
  };
}
