/**
 * The event store's schema, shared verbatim by the PostgreSQL and PGlite adapters. Migrations are
 * numbered, applied in order under an advisory lock, and recorded; re-running them is a no-op.
 *
 * Global order is (transaction_id, global_position). A reader of the whole log only returns rows whose
 * writing transaction is older than the oldest transaction still running (`pg_snapshot_xmin`): every
 * transaction below that bound has finished, and every transaction that starts later gets a larger id, so
 * no event can ever appear behind a position a subscriber has already passed. Every insert into the events
 * table passes the append gate (migration 2) while its transaction has no id yet. See docs/architecture.md.
 */
export const SCHEMA = 'fristvagt';

/** Key of the advisory lock that serialises migrations across processes ("fvmigr" as a number). */
export const MIGRATION_LOCK_KEY = 4_611_686_018_427_388_111n;

/**
 * The append gate: a transaction-scoped advisory lock with the two-int key (APPEND_GATE_CLASS, 0) that every
 * transaction inserting events holds in shared mode from before its transaction id is assigned until it
 * ends. pg_locks shows it as classid = APPEND_GATE_CLASS, objid = 0, objsubid = 2. 0x66766774 is "fvgt".
 */
export const APPEND_GATE_CLASS = 0x66766774;

/**
 * Appends that lost a race for a stream's next revision retry under the transaction-scoped advisory lock
 * (STREAM_LOCK_CLASS, hashtext(stream name)), so that they queue for the stream instead of racing again.
 * 0x66767374 is "fvst".
 */
export const STREAM_LOCK_CLASS = 0x66767374;

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/**
 * Migration 1's `append` function is no longer what the adapter calls: it appends with an equivalent single
 * statement (APPEND_SQL in sql-event-store.ts: the same checks and revisions, with the events as arrays so that
 * the server parses each one once). The function stays for tools and tests that call it and for processes of
 * earlier versions that may run against the same table; keep the two in step. Migration 2 puts the append gate
 * in front of every insert (a statement trigger, so no writer can bypass it) and makes the function pass the
 * gate first: called after its transaction wrote anything, it is refused instead of appending events that a
 * reader could see out of order.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events table, indexes and the append function',
    sql: `
CREATE TABLE ${SCHEMA}.events (
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  global_position bigint      GENERATED ALWAYS AS IDENTITY,
  stream_name     text        NOT NULL,
  stream_revision bigint      NOT NULL,
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  data            json        NOT NULL,
  metadata        json        NOT NULL,
  PRIMARY KEY (transaction_id, global_position)
);
CREATE UNIQUE INDEX events_stream_revision ON ${SCHEMA}.events (stream_name, stream_revision);
CREATE UNIQUE INDEX events_event_id ON ${SCHEMA}.events (event_id);

-- p_expected: -1 any, -2 no_stream, -3 stream_exists, n >= 0 the revision of the stream's last event.
-- Data and metadata are json, not jsonb: stored and returned as written, which costs a fraction of jsonb's
-- parse and output on every append and read; nothing queries inside them. json_to_recordset parses each
-- event once (the -> operators on json would parse it again per field).
-- Returns the stream's revision before the append and, when appended, the last event's revision and position.
-- Concurrency: two appenders that read the same current revision both try to insert the same
-- (stream_name, stream_revision); the unique index makes the second wait for the first and then fail with
-- unique_violation, which the adapter maps to WrongExpectedRevision. Duplicate event ids surface the same way
-- (events_event_id) and the adapter then checks idempotency; neither is probed here, to keep appends cheap.
CREATE FUNCTION ${SCHEMA}.append(p_stream text, p_expected bigint, p_events json)
RETURNS TABLE (current_revision bigint, appended boolean, last_revision bigint, last_transaction text, last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_current bigint;
BEGIN
  SELECT max(e.stream_revision) INTO v_current FROM ${SCHEMA}.events e WHERE e.stream_name = p_stream;
  IF (p_expected = -2 AND v_current IS NOT NULL)
     OR (p_expected = -3 AND v_current IS NULL)
     OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
    RETURN QUERY SELECT v_current, false, NULL::bigint, NULL::text, NULL::bigint;
    RETURN;
  END IF;
  RETURN QUERY
  WITH inserted AS (
    INSERT INTO ${SCHEMA}.events (stream_name, stream_revision, event_id, event_type, data, metadata)
    SELECT p_stream, coalesce(v_current, -1) + x.n, x.id, x.type, x.data, x.metadata
    FROM ROWS FROM (json_to_recordset(p_events) AS (id uuid, type text, data json, metadata json))
         WITH ORDINALITY AS x(id, type, data, metadata, n)
    ORDER BY x.n
    RETURNING stream_revision, transaction_id, global_position
  )
  SELECT v_current, true, max(i.stream_revision), max(i.transaction_id)::text, max(i.global_position) FROM inserted i;
END
$fn$;
`,
  },
  {
    version: 2,
    description: 'the append gate in front of every insert of events',
    sql: `
-- Takes the append gate and refuses unless the transaction has no id yet, i.e. it wrote nothing before:
-- a transaction that inserts events then holds the gate from before its id exists until it ends, which
-- is what lets readers skip running transactions without the gate (see READ_ALL_SQL in sql-event-store.ts).
-- Taking the lock does not assign a transaction id.
CREATE FUNCTION ${SCHEMA}.enter_append_gate() RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${APPEND_GATE_CLASS}, 0);
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'an append to the event store must be the first write of its transaction'
      USING ERRCODE = '25000', HINT = 'append in a transaction of its own, or before anything else is written';
  END IF;
END
$fn$;

-- Fires once per INSERT statement, before its first row (so before the insert assigns a transaction id),
-- whoever inserts: the adapter, the function below, an old process, a person at psql.
CREATE FUNCTION ${SCHEMA}.events_append_gate() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM ${SCHEMA}.enter_append_gate();
  RETURN NULL;
END
$fn$;
CREATE TRIGGER events_append_gate BEFORE INSERT ON ${SCHEMA}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.events_append_gate();

CREATE OR REPLACE FUNCTION ${SCHEMA}.append(p_stream text, p_expected bigint, p_events json)
RETURNS TABLE (current_revision bigint, appended boolean, last_revision bigint, last_transaction text, last_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_current bigint;
BEGIN
  PERFORM ${SCHEMA}.enter_append_gate();
  SELECT max(e.stream_revision) INTO v_current FROM ${SCHEMA}.events e WHERE e.stream_name = p_stream;
  IF (p_expected = -2 AND v_current IS NOT NULL)
     OR (p_expected = -3 AND v_current IS NULL)
     OR (p_expected >= 0 AND v_current IS DISTINCT FROM p_expected) THEN
    RETURN QUERY SELECT v_current, false, NULL::bigint, NULL::text, NULL::bigint;
    RETURN;
  END IF;
  RETURN QUERY
  WITH inserted AS (
    INSERT INTO ${SCHEMA}.events (stream_name, stream_revision, event_id, event_type, data, metadata)
    SELECT p_stream, coalesce(v_current, -1) + x.n, x.id, x.type, x.data, x.metadata
    FROM ROWS FROM (json_to_recordset(p_events) AS (id uuid, type text, data json, metadata json))
         WITH ORDINALITY AS x(id, type, data, metadata, n)
    ORDER BY x.n
    RETURNING stream_revision, transaction_id, global_position
  )
  SELECT v_current, true, max(i.stream_revision), max(i.transaction_id)::text, max(i.global_position) FROM inserted i;
END
$fn$;
`,
  },
  {
    version: 3,
    description: 'hash chain columns and sealed checkpoints',
    sql: `
-- The hash chain (libs/event-store/src/chain/hash-chain.ts has the definitions): content_hash is computed by
-- the client over the canonical content, chain_hash by APPEND_SQL from the stream head's chain_hash. Rows
-- stored before this migration keep both NULL: verify reports them as unhashed rather than guessing hashes
-- for content whose canonical form only the client defines. The append function above stores no hashes;
-- events it appends after hashed ones are reported as a missing hash, so tools must append through the adapter.
ALTER TABLE ${SCHEMA}.events ADD COLUMN content_hash bytea, ADD COLUMN chain_hash bytea;

-- Signed Merkle roots over all stream heads; see chain/checkpoint.ts. Rows are only ever inserted.
CREATE TABLE ${SCHEMA}.checkpoints (
  id         text        PRIMARY KEY,
  sealed_at  timestamptz NOT NULL,
  document   json        NOT NULL
);
CREATE INDEX checkpoints_sealed_at ON ${SCHEMA}.checkpoints (sealed_at);
`,
  },
];

/** Key of the advisory lock that lets one process at a time seal a checkpoint ("fvseal" as a number). */
export const CHECKPOINT_LOCK_KEY = 4_611_686_018_427_388_112n;

export const BOOTSTRAP_SQL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
  version     integer     PRIMARY KEY,
  description text        NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
`;
