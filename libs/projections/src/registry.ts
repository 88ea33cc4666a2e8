import type { Position, SqlTransaction } from '@fristvagt/event-store';
import { READ_MODEL_SCHEMA, type ReadModelDatabase } from './read-model-database';

const S = READ_MODEL_SCHEMA;

/** Serialises the creation of the registry across processes starting at once ("fvrmreg" as a number). */
const REGISTRY_LOCK_KEY = 4_611_686_018_427_388_222n;

const REGISTRY_SQL = `
CREATE SCHEMA IF NOT EXISTS ${S};
CREATE TABLE IF NOT EXISTS ${S}.projections (
  name                 text        PRIMARY KEY,
  active_generation    integer,
  active_version       integer,
  building_generation  integer,
  building_version     integer,
  next_generation      integer     NOT NULL DEFAULT 1,
  rebuild_requested_at timestamptz,
  switched_at          timestamptz
);
CREATE TABLE IF NOT EXISTS ${S}.checkpoints (
  name             text        NOT NULL,
  generation       integer     NOT NULL,
  version          integer     NOT NULL,
  commit_position  numeric(20) NOT NULL DEFAULT 0,
  prepare_position numeric(20) NOT NULL DEFAULT 0,
  events           bigint      NOT NULL DEFAULT 0,
  started_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  caught_up_at     timestamptz,
  PRIMARY KEY (name, generation)
);
`;

export interface RegistryRow {
  readonly name: string;
  readonly active: { readonly generation: number; readonly version: number } | null;
  readonly building: { readonly generation: number; readonly version: number } | null;
  readonly rebuildRequested: boolean;
}

export interface CheckpointRow {
  readonly generation: number;
  readonly version: number;
  /** Null: nothing applied yet (start of the log). */
  readonly position: Position | null;
  readonly events: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly caughtUpAt: string | null;
}

export async function ensureRegistry(db: ReadModelDatabase, name: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${REGISTRY_LOCK_KEY})`);
    await tx.exec(REGISTRY_SQL);
    await tx.query(`INSERT INTO ${S}.projections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  });
}

type Queryable = Pick<SqlTransaction, 'query'>;

export async function readRegistry(
  db: Queryable,
  name: string,
  forUpdate = false,
): Promise<RegistryRow | null> {
  const rows = await db.query(
    `SELECT active_generation, active_version, building_generation, building_version,
            rebuild_requested_at IS NOT NULL
       FROM ${S}.projections WHERE name = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [name],
  );
  if (rows.length === 0) return null;
  const [ag, av, bg, bv, requested] = rows[0];
  return {
    name,
    active: ag === null ? null : { generation: Number(ag), version: Number(av) },
    building: bg === null ? null : { generation: Number(bg), version: Number(bv) },
    rebuildRequested: requested === true,
  };
}

export async function readCheckpoint(
  db: Queryable,
  name: string,
  generation: number,
  forUpdate = false,
): Promise<CheckpointRow | null> {
  const rows = await db.query(
    `SELECT generation, version, commit_position::text, prepare_position::text, events,
            to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            to_char(caught_up_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       FROM ${S}.checkpoints WHERE name = $1 AND generation = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [name, generation],
  );
  if (rows.length === 0) return null;
  const [g, v, commit, prepare, events, startedAt, updatedAt, caughtUpAt] = rows[0] as string[];
  const position =
    commit === '0' && prepare === '0' ? null : { commit: BigInt(commit), prepare: BigInt(prepare) };
  return {
    generation: Number(g),
    version: Number(v),
    position,
    events: Number(events),
    startedAt,
    updatedAt,
    caughtUpAt: caughtUpAt ?? null,
  };
}

/** Asks the leader to rebuild `name` into a fresh generation (the CLI's `projections rebuild`). */
export async function requestRebuild(db: ReadModelDatabase, name: string): Promise<void> {
  await ensureRegistry(db, name);
  await db.query(`UPDATE ${S}.projections SET rebuild_requested_at = now() WHERE name = $1`, [name]);
}

export const REGISTRY_SCHEMA = S;
