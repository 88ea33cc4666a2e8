import {
  AdapterHealth,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
} from '../event-store.port';
import { DuplicateEventIdConflict, InvalidAppend, StreamNotFound, WrongExpectedRevision } from '../errors';
import {
  APPEND_GATE_CLASS,
  BOOTSTRAP_SQL,
  CHECKPOINT_LOCK_KEY,
  MIGRATION_LOCK_KEY,
  MIGRATIONS,
  SCHEMA,
  STREAM_LOCK_CLASS,
} from './schema';
import { isUniqueViolation, SqlDriver } from './sql-driver';
import { PollingSubscription } from '../polling-subscription';
import { sameEventContent, validateNewEvents } from '../new-events';
import { chainLinkHex, contentHashHex, GENESIS_HEX } from '../chain/hash-chain';
import { Checkpoint, sealCheckpoint as sealHeads } from '../chain/checkpoint';
import { ChainRow, verifyChain, VerifyOptions, VerifyReport } from '../chain/verify';
import { KeyObject, randomUUID } from 'node:crypto';

export interface SqlEventStoreOptions {
  /** Source of `recordedAt`. Default: the system clock. */
  readonly clock?: () => Date;
  /** How often an idle subscription looks for writes made by other processes. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** Events a subscription fetches per round trip. Default 5,000. */
  readonly subscriptionBatchSize?: number;
}

const EXPECTED_ANY = -1n;
const EXPECTED_NO_STREAM = -2n;
const EXPECTED_STREAM_EXISTS = -3n;

/**
 * Every column comes back as text (bigints stay exact on PGlite too). The aliases differ from the column
 * names on purpose: an ORDER BY on a bare name would otherwise sort by the text output ('10' < '9').
 * Few columns, because the client decodes each field of each row separately (about 0.1 ms per 1,000 rows
 * and field): `k` packs "revision position event-id" (a uuid's text is always 36 characters), followed by
 * " stream-name" in reads of the whole log; a stream read leaves the name out, the caller gave it.
 */
const EVENT_KEY = `e.stream_revision::text || ' ' || e.global_position::text || ' ' || e.event_id::text`;
const EVENT_REST = `e.transaction_id::text AS c, e.event_type AS t, e.data::text AS d, e.metadata::text AS m`;
const STREAM_EVENT_COLUMNS = `${EVENT_KEY} AS k, ${EVENT_REST}`;
const EVENT_COLUMNS = `${EVENT_KEY} || ' ' || e.stream_name AS k, ${EVENT_REST}`;

/** A missing hash in readChain's packed column: as wide as a hash in hex, so the columns after it keep their place. */
const UNHASHED = '-'.repeat(64);

/** GENESIS of chain/hash-chain.ts as a bytea literal: the chain of a stream starts from 32 zero bytes. */
const GENESIS_SQL = `'\\x${'00'.repeat(32)}'::bytea`;

/**
 * One statement, one round trip, no PL/pgSQL: read the stream's last revision, check the expectation, insert
 * the events with consecutive revisions. It does what `fristvagt.append` does (the function stays in the schema
 * for tools and tests that call it), with the events as parallel arrays instead of one json document, so the
 * server parses each event's data and metadata once (json_to_recordset lexed them twice: once as part of the
 * document, once as json values). Data and metadata texts are joined with the record separator U+001E: JSON
 * text never contains a raw control character (JSON.stringify escapes them inside strings), so the split is
 * exact. Same concurrency as the function: two writers that read the same last revision insert the same
 * (stream_name, stream_revision), and the unique index makes the second wait for the first and fail.
 * When the expectation fails nothing is inserted and `appended` is false. $7 is the events' content hashes,
 * 32 bytes each, concatenated (computed by the client, chain/hash-chain.ts); the `chain` CTE links them from
 * the head's chain hash in the same statement, so hashing costs no round trip (issue 13). The insert passes the append gate
 * (migration 2's statement trigger) before its first row, so it must be its transaction's first write.
 */
const APPEND_SQL = `WITH RECURSIVE head AS (
    SELECT h.revision, h.hash FROM (SELECT) one LEFT JOIN LATERAL (
      SELECT stream_revision AS revision, chain_hash AS hash FROM ${SCHEMA}.events WHERE stream_name = $1
      ORDER BY stream_revision DESC LIMIT 1
    ) h ON true
  ), allowed AS (
    SELECT revision, hash FROM head
    WHERE NOT (($2::bigint = ${EXPECTED_NO_STREAM} AND revision IS NOT NULL)
            OR ($2::bigint = ${EXPECTED_STREAM_EXISTS} AND revision IS NULL)
            OR ($2::bigint >= 0 AND revision IS DISTINCT FROM $2::bigint))
  ), chain AS (
    SELECT 0::bigint AS n, coalesce(a.revision, -1) AS revision, coalesce(a.hash, ${GENESIS_SQL}) AS hash
    FROM allowed a
    UNION ALL
    SELECT c.n + 1, c.revision + 1,
      sha256(c.hash || int8send(c.revision + 1) || substring($7::bytea FROM (c.n * 32 + 1)::int FOR 32))
    FROM chain c WHERE c.n < octet_length($7::bytea) / 32
  ), inserted AS (
    INSERT INTO ${SCHEMA}.events
      (stream_name, stream_revision, event_id, event_type, data, metadata, content_hash, chain_hash)
    SELECT $1, c.revision, x.id, x.type, x.data::json, x.metadata::json,
      substring($7::bytea FROM ((x.n - 1) * 32 + 1)::int FOR 32), c.hash
    FROM unnest($3::uuid[], $4::text[], string_to_array($5::text, chr(30)), string_to_array($6::text, chr(30)))
        WITH ORDINALITY AS x(id, type, data, metadata, n)
      JOIN chain c ON c.n = x.n
    ORDER BY x.n
    RETURNING stream_revision, transaction_id, global_position
  )
  SELECT (SELECT revision FROM head)::text, count(*) > 0, max(i.stream_revision)::text,
    max(i.transaction_id)::text, max(i.global_position)::text
  FROM inserted i`;

/**
 * APPEND_SQL for one event, the usual case (a command appends one or two), with the same parameters: the
 * link is one expression instead of a recursive CTE, which costs measurably less server CPU per append.
 */
const APPEND_ONE_SQL = `WITH head AS (
    SELECT h.revision, h.hash FROM (SELECT) one LEFT JOIN LATERAL (
      SELECT stream_revision AS revision, chain_hash AS hash FROM ${SCHEMA}.events WHERE stream_name = $1
      ORDER BY stream_revision DESC LIMIT 1
    ) h ON true
  ), allowed AS (
    SELECT coalesce(revision, -1) + 1 AS revision, coalesce(hash, ${GENESIS_SQL}) AS previous FROM head
    WHERE NOT (($2::bigint = ${EXPECTED_NO_STREAM} AND revision IS NOT NULL)
            OR ($2::bigint = ${EXPECTED_STREAM_EXISTS} AND revision IS NULL)
            OR ($2::bigint >= 0 AND revision IS DISTINCT FROM $2::bigint))
  ), inserted AS (
    INSERT INTO ${SCHEMA}.events
      (stream_name, stream_revision, event_id, event_type, data, metadata, content_hash, chain_hash)
    SELECT $1, a.revision, ($3::uuid[])[1], ($4::text[])[1], $5::json, $6::json, $7::bytea,
      sha256(a.previous || int8send(a.revision) || $7::bytea)
    FROM allowed a
    RETURNING stream_revision, transaction_id, global_position
  )
  SELECT (SELECT revision FROM head)::text, count(*) > 0, max(i.stream_revision)::text,
    max(i.transaction_id)::text, max(i.global_position)::text
  FROM inserted i`;

/**
 * APPEND_SQL for a stream that must not exist yet (`no_stream`), the first append of every case: its chain starts
 * from GENESIS at revision 0, so the client links it (encodeEvents) and the statement only stores the links,
 * $6 the content hashes and $7 the chain hashes, 32 bytes each, concatenated. No head row to read and no
 * recursive CTE, which made 10-event batches a quarter slower than before the chain (docs/benchmarks.md, issue 13).
 * NOT EXISTS is a one-time filter; two writers that both pass it insert the same (stream_name, 0) and the second
 * fails on the unique index, as with APPEND_SQL. The stream's revision is only looked up when nothing was inserted.
 */
const APPEND_NEW_SQL = `WITH inserted AS (
    INSERT INTO ${SCHEMA}.events
      (stream_name, stream_revision, event_id, event_type, data, metadata, content_hash, chain_hash)
    SELECT $1, x.n - 1, x.id, x.type, x.data::json, x.metadata::json,
      substring($6::bytea FROM ((x.n - 1) * 32 + 1)::int FOR 32), substring($7::bytea FROM ((x.n - 1) * 32 + 1)::int FOR 32)
    FROM unnest($2::uuid[], $3::text[], string_to_array($4::text, chr(30)), string_to_array($5::text, chr(30)))
        WITH ORDINALITY AS x(id, type, data, metadata, n)
    WHERE NOT EXISTS (SELECT FROM ${SCHEMA}.events WHERE stream_name = $1)
    ORDER BY x.n
    RETURNING stream_revision, transaction_id, global_position
  )
  SELECT CASE WHEN count(*) = 0 THEN (SELECT max(stream_revision) FROM ${SCHEMA}.events WHERE stream_name = $1)::text END,
    count(*) > 0, max(i.stream_revision)::text, max(i.transaction_id)::text, max(i.global_position)::text
  FROM inserted i`;

/** Joins the data (and the metadata) texts of one append's events; see APPEND_SQL. */
const RECORD_SEPARATOR = '\x1e';

/**
 * Ids (as `xid`, what pg_locks shows) of the transactions that are running and hold no append gate in this
 * database, from one read of pg_locks: one pg_lock_status call, which holds every partition lock of the main
 * lock table while it copies it, so it is a consistent picture of the table, where both transaction-id and
 * advisory locks live (neither kind is ever a fast-path lock). Every transaction holds an ExclusiveLock on its
 * own id for as long as it runs.
 *
 * The gate and the id are matched by the backend's `pid`, never by `virtualtransaction`. pg_locks builds each
 * row's virtualtransaction from the backend's local transaction id *as it reads that row*, and a committing
 * backend clears that id (ProcArrayEndTransaction) before it releases its locks, without the lock table's
 * partition locks: one read of pg_locks could show an ending append's id lock as `7/0` and its gate as
 * `7/4711`, so the append looked gate-less and a reader skipped its events. That is the skip
 * test/event-store/pressure.test.ts caught in December 2026; scripts reproduced it in 20 s with 12 writers,
 * and never with `pid`. A pid is fixed for a backend's life, and one backend runs one transaction at a time,
 * whose locks are all released before its next one takes any. Rows without a pid (prepared transactions)
 * are never listed, so they hold the horizon back. Never a null in the list: the horizon tests ids with
 * NOT IN, which a null would turn into "skip every running append".
 */
const GATELESS_TRANSACTIONS = `WITH l AS MATERIALIZED (
    SELECT locktype, transactionid, pid, database FROM pg_locks
    WHERE granted AND pid IS NOT NULL AND ((locktype = 'transactionid' AND mode = 'ExclusiveLock')
      OR (locktype = 'advisory' AND classid = ${APPEND_GATE_CLASS} AND objid = 0 AND objsubid = 2))
  )
  SELECT t.transactionid FROM l t WHERE t.locktype = 'transactionid' AND t.transactionid IS NOT NULL
    AND NOT EXISTS (
      SELECT FROM l g WHERE g.locktype = 'advisory' AND g.pid = t.pid
        AND g.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`;

/**
 * The reader's horizon: events of transactions with a smaller id are all visible to this statement or will
 * never exist. From the statement's snapshot S (`pg_current_snapshot()` is the snapshot the scan uses): the
 * smallest id in S's in-progress list that is not positively known to be a running transaction without the
 * append gate, else S's xmax. Proof that no event is ever skipped:
 * - Every insert into the events table passes the gate (migration 2's statement trigger): it takes the gate,
 *   shared and transaction-scoped, and is refused if its transaction already has an id. So a transaction that
 *   inserts events holds the gate from before its id was assigned until it ends; at its end it releases its
 *   id lock before its advisory locks (ProcReleaseLocks), so it is never seen with the id lock and without the
 *   gate.
 * - Take T below the horizon. If T is not in S's in-progress list, T < xmax(S) ended before S: its rows are
 *   visible to this statement if it committed, and there are none otherwise. If T is in the list, it is below
 *   the smallest id not known to be gate-less, so at the pg_locks read T was running with an id and its backend
 *   held no gate (matched by pid: see GATELESS_TRANSACTIONS). Had T ever inserted events, it would have taken the
 *   gate before its id existed (before S) and would still hold it. So T inserts no events, ever.
 * - Every transaction that gets an id after S gets one >= xmax(S) >= the horizon.
 * Hence every event below the horizon that will ever commit is visible to this statement, and a reader that
 * returned position (T, P) never finds an event with a smaller position later. A transaction that ended
 * between S and the pg_locks read is not "known", so it bounds the read: conservative, never wrong.
 * Held back only by running appends, not by other write transactions on the server (any database).
 * With nothing in progress (always on PGlite, a single connection) pg_locks is not read at all.
 */
const HORIZON_SQL = `(SELECT CASE WHEN NOT EXISTS (SELECT FROM pg_snapshot_xip(s.snapshot)) THEN pg_snapshot_xmax(s.snapshot)
    ELSE coalesce((SELECT min(x.id) FROM pg_snapshot_xip(s.snapshot) AS x(id)
                   WHERE x.id::xid NOT IN (${GATELESS_TRANSACTIONS})), pg_snapshot_xmax(s.snapshot)) END
  FROM (SELECT pg_current_snapshot() AS snapshot) s)`;

const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e
  WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
    AND e.transaction_id < ${HORIZON_SQL}
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;

/**
 * For readCommittedAfter(): every committed event of the given types after a position, whatever is still
 * running. Not in a reader's order guarantee (an append still running may commit below the last one returned):
 * for read models that are sets, which apply an event twice as once.
 */
const READ_COMMITTED_SQL = `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e
  WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint) AND e.event_type = ANY($3::text[])
  ORDER BY e.transaction_id, e.global_position
  LIMIT $4`;

/**
 * The event store on PostgreSQL's SQL, whatever carries it: the pg pool (PostgresEventStore) or
 * embedded PGlite (PgliteEventStore). All semantics live here, once.
 */
export class SqlEventStore implements EventStore {
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly localWaiters = new Set<() => void>();
  private readonly live = new Set<PollingSubscription>();
  private subscriptionCount = 0;

  protected constructor(
    protected readonly driver: SqlDriver,
    options: SqlEventStoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.batchSize = options.subscriptionBatchSize ?? 5_000;
  }

  /**
   * The connection the store runs on, for read models kept in the same database (a schema of their own).
   * Needed on PGlite, which one process opens once; the store still owns it and closes it.
   */
  sqlDriver(): SqlDriver {
    return this.driver;
  }

  /** Creates or upgrades the schema; safe to run from many processes at once. */
  protected async migrate(): Promise<void> {
    await this.driver.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      await tx.exec(BOOTSTRAP_SQL);
      const applied = new Set(
        (await tx.query(`SELECT version FROM ${SCHEMA}.schema_migrations`)).map((r) => Number(r[0])),
      );
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await tx.exec(m.sql);
        await tx.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, description) VALUES ($1, $2)`, [
          m.version,
          m.description,
        ]);
      }
    });
  }

  async append(
    streamName: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    validateNewEvents(streamName, events);
    const expected = options.expectedRevision ?? 'any';
    const encodedExpected = encodeExpected(expected).toString();
    // Only 'any' and 'stream_exists' can retry: a concurrent writer took the revision this append read as
    // next. They retry in a transaction that first waits for the stream's lock, so writers that lost a race
    // queue for the stream instead of racing again; each further conflict means another writer appended.
    // No limit: 'any' is never refused for concurrency (nor is it by EventStoreDB).
    let queued = false;
    for (;;) {
      const recordedAt = this.clock().toISOString();
      const { params: encoded, links } = encodeEvents(
        streamName,
        events,
        recordedAt,
        expected === 'no_stream',
      );
      const [sql, statement, params] =
        links !== null
          ? [APPEND_NEW_SQL, 'fristvagt_append_new', [streamName, ...encoded, links]]
          : events.length === 1
            ? [APPEND_ONE_SQL, 'fristvagt_append_event', [streamName, encodedExpected, ...encoded]]
            : [APPEND_SQL, 'fristvagt_append_events', [streamName, encodedExpected, ...encoded]];
      let row: unknown[];
      try {
        [row] = queued
          ? await this.driver.transaction(async (tx) => {
              // Before the append, so before the transaction has an id: the append gate requires that.
              await tx.query(`SELECT pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, hashtext($1))`, [
                streamName,
              ]);
              return tx.query(sql, params);
            })
          : await this.driver.query(sql, params, statement);
      } catch (error) {
        if (isUniqueViolation(error, 'events_event_id'))
          return this.resolveDuplicate(streamName, events, expected);
        if (!isUniqueViolation(error, 'events_stream_revision')) throw error;
        if (expected === 'any' || expected === 'stream_exists') {
          queued = true;
          continue;
        }
        const stored = await this.findStored(events);
        if (stored.length > 0) return this.resolveDuplicate(streamName, events, expected, stored);
        throw new WrongExpectedRevision(streamName, expected, await this.currentRevision(streamName));
      }
      const [current, appended, lastRevision, lastTransaction, lastPosition] = row as [
        string | null,
        boolean,
        string | null,
        string | null,
        string | null,
      ];
      if (!appended) {
        // A retried append whose first attempt succeeded sees the stream already past its expected revision.
        const stored = await this.findStored(events);
        if (stored.length > 0) return this.resolveDuplicate(streamName, events, expected, stored);
        throw new WrongExpectedRevision(
          streamName,
          expected,
          current === null ? 'no_stream' : BigInt(current),
        );
      }
      this.wakeLocalSubscribers();
      return {
        nextRevision: BigInt(lastRevision!),
        position: { commit: BigInt(lastTransaction!), prepare: BigInt(lastPosition!) },
      };
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
    const limit = options.maxCount ?? null;
    const bound = from === 'start' ? -1n : from === 'end' ? null : from;
    const rows = await (direction === 'forwards'
      ? this.driver.query(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM ${SCHEMA}.events e WHERE e.stream_name = $1 AND e.stream_revision >= $2::bigint
             ORDER BY e.stream_revision LIMIT $3`,
          [streamName, bound === null ? null : bound.toString(), limit],
          'fristvagt_read_stream_fwd',
        )
      : this.driver.query(
          `SELECT ${STREAM_EVENT_COLUMNS} FROM ${SCHEMA}.events e WHERE e.stream_name = $1
               AND ($2::bigint IS NULL OR e.stream_revision <= $2::bigint)
             ORDER BY e.stream_revision DESC LIMIT $3`,
          [streamName, bound === null ? null : bound.toString(), limit],
          'fristvagt_read_stream_bwd',
        ));
    if (rows.length === 0) {
      // A stream exists from its first event on. A read of the whole stream that may return events and finds
      // none therefore saw no stream in its snapshot: that is the answer, without asking again (a stream
      // created since is as new to this read as one created after it). A read from a revision on, or of no
      // events, finds none in a stream that exists too, so it asks.
      const wholeStream = (from === 'start' || from === 'end') && limit !== 0;
      if (wholeStream || (await this.currentRevision(streamName)) === 'no_stream') {
        throw new StreamNotFound(streamName);
      }
    }
    return toRecordedEvents(rows, streamName);
  }

  async readStreams(streamNames: readonly string[]): Promise<ReadonlyMap<string, RecordedEvent[]>> {
    const read = new Map<string, RecordedEvent[]>(streamNames.map((name) => [name, []]));
    if (read.size === 0) return read;
    const rows = await this.driver.query(
      `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e WHERE e.stream_name = ANY($1::text[])
         ORDER BY e.stream_name, e.stream_revision`,
      [textArrayLiteral([...read.keys()])],
      'fristvagt_read_streams',
    );
    for (const event of toRecordedEvents(rows)) read.get(event.streamName)?.push(event);
    return read;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return toRecordedEvents(
      await this.driver.query(READ_ALL_SQL, readAllParams(options), 'fristvagt_read_all'),
    );
  }

  async readAllEach(options: ReadAllOptions, onEvent: (event: RecordedEvent) => void): Promise<number> {
    const params = readAllParams(options);
    const decoder = new RowDecoder();
    let count = 0;
    const onRow = (row: unknown[]) => {
      count++;
      onEvent(decoder.decode(row));
    };
    if (this.driver.queryEach !== undefined) {
      await this.driver.queryEach(READ_ALL_SQL, params, 'fristvagt_read_all', onRow);
    } else {
      for (const row of await this.driver.query(READ_ALL_SQL, params, 'fristvagt_read_all')) onRow(row);
    }
    return count;
  }

  /**
   * Every committed event of these types after `after`, in log order, without waiting for what still runs on
   * the server (readAll does). Not for checkpoints: an append still running may later commit below the last
   * event returned. For read models that are sets (the case directory), so that a write is found as soon as it
   * has answered, in any process, whatever other transactions are open.
   */
  async readCommittedAfter(
    after: Position | 'start',
    types: readonly string[],
    maxCount: number,
  ): Promise<RecordedEvent[]> {
    const from = after === 'start' ? null : after;
    const rows = await this.driver.query(
      READ_COMMITTED_SQL,
      [
        from ? from.commit.toString() : '0',
        from ? from.prepare.toString() : '0',
        `{${types.join(',')}}`,
        maxCount,
      ],
      'fristvagt_read_committed',
    );
    return toRecordedEvents(rows);
  }

  /**
   * A page of the hash chain for ChainVerifier: stored content and hashes ordered by (stream, revision), after
   * the key `after`, of one stream or of all. Keyset pages over the (stream_name, stream_revision) index.
   */
  async readChain(
    after: { stream: string; revision: bigint } | null,
    limit: number,
    stream?: string,
  ): Promise<ChainRow[]> {
    // Few columns, as in EVENT_COLUMNS: `k` packs "revision id content-hash chain-hash type", the id and the
    // hashes fixed-width (36 and 64 characters, '-' padded when unhashed), the type last.
    // One statement per case, each a plain range on the (stream_name, stream_revision) index: a generic plan
    // of `$1 IS NULL OR (...) > ($1, $2)` cannot use the index and sorted the whole table for every page.
    const where =
      stream !== undefined
        ? [
            'e.stream_name = $1 AND e.stream_revision > $2::bigint',
            [stream, (after?.revision ?? -1n).toString()],
          ]
        : after !== null
          ? [
              '(e.stream_name, e.stream_revision) > ($1::text, $2::bigint)',
              [after.stream, after.revision.toString()],
            ]
          : ['true', []];
    const name = stream !== undefined ? 'stream' : after !== null ? 'after' : 'first';
    const rows = await this.driver.query(
      `SELECT e.stream_name, e.stream_revision::text || ' ' || e.event_id::text || ' ' ||
         coalesce(encode(e.content_hash, 'hex'), '${UNHASHED}') || ' ' ||
         coalesce(encode(e.chain_hash, 'hex'), '${UNHASHED}') || ' ' || e.event_type,
         e.data::text, e.metadata::text
       FROM ${SCHEMA}.events e WHERE ${where[0] as string}
       ORDER BY e.stream_name, e.stream_revision LIMIT $${(where[1] as string[]).length + 1}`,
      [...(where[1] as string[]), limit],
      `fristvagt_read_chain_${name}`,
    );
    const chain = new Array<ChainRow>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [name, key, data, metadata] = rows[i] as string[];
      const r = key.indexOf(' ');
      const content = key.slice(r + 38, r + 102);
      const link = key.slice(r + 103, r + 167);
      chain[i] = {
        stream: name,
        revision: BigInt(key.slice(0, r)),
        id: key.slice(r + 1, r + 37),
        type: key.slice(r + 168),
        data,
        metadata,
        contentHash: content === UNHASHED ? null : content,
        chainHash: link === UNHASHED ? null : link,
      };
    }
    return chain;
  }

  /** Recomputes and checks the hash chain of one stream, or of every stream; see chain/verify.ts. */
  verifyChain(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyChain(this, options);
  }

  /**
   * Seals a checkpoint unless one was sealed less than `intervalMs` before `now` or another process is
   * sealing right now (an advisory lock held for the transaction): returns it, or null when it did not seal.
   * The heads are read in one statement, so they are one consistent snapshot of the log.
   */
  async sealCheckpoint(options: {
    key: KeyObject;
    now: Date;
    intervalMs: number;
  }): Promise<Checkpoint | null> {
    return this.driver.transaction(async (tx) => {
      const [[locked]] = (await tx.query(`SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK_KEY})`)) as [
        [boolean],
      ];
      if (!locked) return null;
      const [[last]] = (await tx.query(
        `SELECT (extract(epoch FROM max(sealed_at)) * 1000)::float8 FROM ${SCHEMA}.checkpoints`,
      )) as [[number | null]];
      if (last !== null && options.now.getTime() - last < options.intervalMs) return null;
      const heads = await tx.query(
        `SELECT DISTINCT ON (stream_name) stream_name, stream_revision::text, encode(chain_hash, 'hex')
         FROM ${SCHEMA}.events ORDER BY stream_name, stream_revision DESC`,
      );
      const checkpoint = sealHeads(
        {
          id: randomUUID(),
          sealedAt: options.now.toISOString(),
          heads: heads.map(([stream, revision, hash]) => ({
            stream: stream as string,
            revision: revision as string,
            hash: hash as string | null,
          })),
        },
        options.key,
      );
      await tx.query(`INSERT INTO ${SCHEMA}.checkpoints (id, sealed_at, document) VALUES ($1, $2, $3)`, [
        checkpoint.id,
        checkpoint.sealedAt,
        JSON.stringify(checkpoint),
      ]);
      return checkpoint;
    });
  }

  /** Sealed checkpoints, newest first; `withLeaves` false leaves out the (large) list of stream heads. */
  async listCheckpoints(options: { limit?: number; withLeaves?: boolean } = {}): Promise<Checkpoint[]> {
    const rows = await this.driver.query(
      `SELECT document::text FROM ${SCHEMA}.checkpoints ORDER BY sealed_at DESC, id LIMIT $1`,
      [options.limit ?? 100],
    );
    return rows.map(([text]) => {
      const checkpoint = JSON.parse(text as string) as Checkpoint;
      return options.withLeaves === false ? { ...checkpoint, leaves: [] } : checkpoint;
    });
  }

  async getCheckpoint(id: string): Promise<Checkpoint | null> {
    const rows = await this.driver.query(`SELECT document::text FROM ${SCHEMA}.checkpoints WHERE id = $1`, [
      id,
    ]);
    return rows.length === 0 ? null : (JSON.parse(rows[0][0] as string) as Checkpoint);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = new PollingSubscription({
      name: options.name ?? `subscription-${++this.subscriptionCount}`,
      clock: this.clock,
      from: options.from ?? 'start',
      fetch: (after) => this.readAll({ fromPosition: after, maxCount: this.batchSize }),
      batchSize: this.batchSize,
      waitForWrites: (signal) => this.waitForWrites(signal),
      onStop: () => this.live.delete(subscription),
    });
    this.live.add(subscription);
    return subscription;
  }

  subscriptions(): SubscriptionStatus[] {
    return [...this.live].map((s) => s.status());
  }

  async health(): Promise<AdapterHealth> {
    try {
      await this.driver.query('SELECT 1', []);
      return { adapter: this.driver.adapter, status: 'up', location: this.driver.location };
    } catch (error) {
      return {
        adapter: this.driver.adapter,
        status: 'down',
        location: this.driver.location,
        detail: (error as Error).message,
      };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.live].map((s) => s.stop()));
    await this.driver.close();
  }

  /** Resolves on a local append, after the poll interval, or on abort, whichever comes first. */
  private waitForWrites(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.localWaiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      timer.unref();
      this.localWaiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wakeLocalSubscribers(): void {
    for (const wake of this.localWaiters) wake();
  }

  private async currentRevision(streamName: string): Promise<bigint | 'no_stream'> {
    const [row] = await this.driver.query(
      `SELECT max(stream_revision)::text FROM ${SCHEMA}.events WHERE stream_name = $1`,
      [streamName],
      'fristvagt_current_revision',
    );
    return row[0] === null ? 'no_stream' : BigInt(row[0] as string);
  }

  private async findStored(events: readonly NewEvent[]): Promise<RecordedEvent[]> {
    const rows = await this.driver.query(
      `SELECT ${EVENT_COLUMNS} FROM ${SCHEMA}.events e WHERE e.event_id = ANY($1::uuid[])`,
      [`{${events.map((e) => e.id).join(',')}}`],
    );
    return toRecordedEvents(rows);
  }

  /**
   * Some of the ids are stored already. If all of them are, in this stream, consecutively, in this order,
   * with the same content, and where the expected revision put them, this is a retry: answer as the
   * original append did and write nothing. Anything else is a conflict.
   */
  private async resolveDuplicate(
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    found?: RecordedEvent[],
  ): Promise<AppendResult> {
    // UUIDs compare without regard to case; the server answers them in lower case.
    const stored = new Map((found ?? (await this.findStored(events))).map((e) => [e.id.toLowerCase(), e]));
    const storedAs = (event: NewEvent) => stored.get(event.id.toLowerCase());
    const first = storedAs(events[0]);
    for (const [i, event] of events.entries()) {
      const original = storedAs(event);
      if (!original) {
        const known = events.find((e) => storedAs(e) !== undefined)!;
        throw new DuplicateEventIdConflict(streamName, known.id, 'only some of the events are stored');
      }
      if (original.streamName !== streamName)
        throw new DuplicateEventIdConflict(streamName, event.id, 'stored in another stream');
      if (!first || original.revision !== first.revision + BigInt(i))
        throw new DuplicateEventIdConflict(streamName, event.id, 'stored at another place in the stream');
      if (!sameEventContent(event, original))
        throw new DuplicateEventIdConflict(streamName, event.id, 'stored with different content');
    }
    const expectedFirst = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : null;
    if (expectedFirst !== null && first!.revision !== expectedFirst) {
      throw new WrongExpectedRevision(streamName, expected, await this.currentRevision(streamName));
    }
    const last = storedAs(events[events.length - 1])!;
    return { nextRevision: last.revision, position: last.position };
  }
}

function encodeExpected(expected: ExpectedRevision): bigint {
  switch (expected) {
    case 'any':
      return EXPECTED_ANY;
    case 'no_stream':
      return EXPECTED_NO_STREAM;
    case 'stream_exists':
      return EXPECTED_STREAM_EXISTS;
    default:
      if (typeof expected !== 'bigint' || expected < 0n) throw new InvalidAppend(`Invalid expected revision`);
      return expected;
  }
}

/**
 * An append's parameters after the stream (and the expectation): ids and types as array literals, data and
 * metadata as JSON texts joined by RECORD_SEPARATOR, and the events' content hashes, 32 bytes each,
 * concatenated. Built by concatenation, without wrapper objects or a copy of each metadata object: recordedAt
 * is appended to the metadata's JSON text. The hashes are made in hex and turned into bytes once per append: a
 * Buffer per digest cost more than the digest (1.4 against 2.1 µs for a ~500-byte event). `chain` (for a new
 * stream) also links them from GENESIS, in the same loop: see APPEND_NEW_SQL.
 */
function encodeEvents(
  streamName: string,
  events: readonly NewEvent[],
  recordedAt: string,
  chain: boolean,
): { params: [string, string, string, string, Buffer]; links: Buffer | null } {
  const stamp = `"recordedAt":${JSON.stringify(recordedAt)}}`;
  let ids = '';
  let types = '';
  let data = '';
  let metadata = '';
  let hashes = '';
  let links = '';
  let previous = GENESIS_HEX;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (i > 0) {
      ids += ',';
      types += ',';
      data += RECORD_SEPARATOR;
      metadata += RECORD_SEPARATOR;
    }
    ids += event.id; // validated: a UUID needs no quoting
    types += `"${event.type.replace(/["\\]/g, '\\$&')}"`;
    const dataJson = JSON.stringify(event.data);
    const metadataJson = stampMetadata(event.metadata, recordedAt, stamp);
    data += dataJson;
    metadata += metadataJson;
    const content = contentHashHex({ streamName, id: event.id, type: event.type, dataJson, metadataJson });
    hashes += content;
    if (chain) {
      previous = chainLinkHex(previous, BigInt(i), content);
      links += previous;
    }
  }
  return {
    params: [`{${ids}}`, `{${types}}`, data, metadata, Buffer.from(hashes, 'hex')],
    links: chain ? Buffer.from(links, 'hex') : null,
  };
}

/** JSON.stringify({ ...metadata, recordedAt }), without the copy in the usual case. */
function stampMetadata(metadata: NewEvent['metadata'], recordedAt: string, stamp: string): string {
  const text = Object.hasOwn(metadata, 'recordedAt') ? undefined : JSON.stringify(metadata);
  if (text === undefined || text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125) {
    return JSON.stringify({ ...metadata, recordedAt }); // a caller's own recordedAt keeps its place, as in a spread
  }
  return text.length === 2 ? `{${stamp}` : `${text.slice(0, -1)},${stamp}`;
}

/** READ_ALL_SQL's parameters: the position after which to read, and how many. */
function readAllParams(options: ReadAllOptions): unknown[] {
  const after =
    options.fromPosition === undefined || options.fromPosition === 'start' ? null : options.fromPosition;
  return [
    after ? after.commit.toString() : '0',
    after ? after.prepare.toString() : '0',
    options.maxCount ?? 1_000,
  ];
}

/** A text[] parameter as PostgreSQL's array literal, each element quoted: the form both pg and PGlite take. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** Rows of STREAM_EVENT_COLUMNS (with `streamName` given) or EVENT_COLUMNS (the stream name at the end of `k`). */
function toRecordedEvents(rows: unknown[][], streamName?: string): RecordedEvent[] {
  const decoder = new RowDecoder(streamName);
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) events[i] = decoder.decode(rows[i]);
  return events;
}

/**
 * Decodes one result's rows in order. Events of one append share their transaction id, so consecutive equal
 * ids are converted to bigint once; and they usually have the same metadata (one context, one recordedAt),
 * parsed once and shared (it is readonly). Parsing is most of what reading the log costs the client
 * (docs/benchmarks.md, issue 9).
 */
class RowDecoder {
  private commitText = '';
  private commit = 0n;
  private metadataText = '';
  private metadataParsed: RecordedEvent['metadata'] | undefined;

  constructor(private readonly streamName?: string) {}

  decode(row: unknown[]): RecordedEvent {
    const [key, transaction, type, data, metadata] = row as string[];
    if (transaction !== this.commitText) {
      this.commitText = transaction;
      this.commit = BigInt(transaction);
    }
    if (this.metadataParsed === undefined || metadata !== this.metadataText) {
      this.metadataText = metadata;
      this.metadataParsed = JSON.parse(metadata) as RecordedEvent['metadata'];
    }
    const afterRevision = key.indexOf(' ');
    const afterPosition = key.indexOf(' ', afterRevision + 1);
    const idEnd = afterPosition + 37;
    return {
      id: key.slice(afterPosition + 1, idEnd),
      type,
      data: JSON.parse(data),
      metadata: this.metadataParsed,
      streamName: this.streamName ?? key.slice(idEnd + 1),
      revision: BigInt(key.slice(0, afterRevision)),
      position: {
        commit: this.commit,
        prepare: BigInt(key.slice(afterRevision + 1, afterPosition)),
      } satisfies Position,
    };
  }
}
