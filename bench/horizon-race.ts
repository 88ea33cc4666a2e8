/**
 * Reproduces the race behind the readers' horizon (issue 12, point 5; docs/architecture.md, "Global order
 * without gaps"): readers that skip write transactions without the append gate must match a running
 * transaction's id lock to its gate by the backend's `pid`. Matched by `virtualtransaction`, as the first
 * version did, a reader reading pg_locks while an append ends can see the two with different local transaction
 * ids, take the append for gate-less, and skip its events.
 *
 * Twelve writers append through the real store at full speed while write transactions that are not appends
 * are held open in this database and in another; three readers poll the log with the store's horizon, the
 * gate matched by `pid` or by `virtualtransaction` as asked. Each reader must end with the whole log.
 *
 *   node -r ./test/support/ts-register.js bench/horizon-race.ts vxid 20   # skips events (the old horizon)
 *   node -r ./test/support/ts-register.js bench/horizon-race.ts pid 20    # skips none (the store's horizon)
 *
 * The SQL below mirrors HORIZON_SQL of libs/event-store/src/sql/sql-event-store.ts with the match column as
 * the one variable; it needs a PostgreSQL server (DATABASE_URL, default the local one).
 */
import { Client } from 'pg';
import { APPEND_GATE_CLASS, PostgresEventStore } from '@fristvagt/event-store';
import { createTestDatabase } from '../test/support/postgres';
import { newEvent, streamName } from '../test/support/events';

type Match = 'vxid' | 'pid';

function readSql(match: Match): string {
  const key = match === 'vxid' ? 'virtualtransaction' : 'pid';
  const gateless = `WITH l AS MATERIALIZED (
      SELECT locktype, transactionid, virtualtransaction, pid, database FROM pg_locks
      WHERE granted AND pid IS NOT NULL AND ((locktype = 'transactionid' AND mode = 'ExclusiveLock')
        OR (locktype = 'advisory' AND classid = ${APPEND_GATE_CLASS} AND objid = 0 AND objsubid = 2))
    )
    SELECT t.transactionid FROM l t WHERE t.locktype = 'transactionid' AND t.transactionid IS NOT NULL
      AND NOT EXISTS (
        SELECT FROM l g WHERE g.locktype = 'advisory' AND g.${key} = t.${key}
          AND g.database = (SELECT oid FROM pg_database WHERE datname = current_database()))`;
  return `SELECT e.transaction_id::text AS t, e.global_position::text AS p FROM fristvagt.events e
    WHERE (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
      AND e.transaction_id < (SELECT CASE WHEN NOT EXISTS (SELECT FROM pg_snapshot_xip(s.snapshot))
          THEN pg_snapshot_xmax(s.snapshot)
        ELSE coalesce((SELECT min(x.id) FROM pg_snapshot_xip(s.snapshot) AS x(id)
                       WHERE x.id::xid NOT IN (${gateless})), pg_snapshot_xmax(s.snapshot)) END
        FROM (SELECT pg_current_snapshot() AS snapshot) s)
    ORDER BY e.transaction_id, e.global_position LIMIT 5000`;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function main(): Promise<void> {
  const match: Match = process.argv[2] === 'vxid' ? 'vxid' : 'pid';
  const seconds = Number(process.argv[3] ?? 20);
  const [db, other] = await Promise.all([createTestDatabase('fv_race'), createTestDatabase('fv_race_other')]);
  const store = await PostgresEventStore.connect({ connectionString: db.url });
  const holders: Client[] = [];
  try {
    for (const [url, table] of [
      [db.url, 'not_events'],
      [other.url, 'busy'],
    ] as const) {
      const holder = await connect(url);
      await holder.query(`CREATE TABLE ${table} (n int)`);
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO ${table} VALUES (1)`);
      holders.push(holder);
    }
    const until = Date.now() + seconds * 1_000;
    let writing = true;
    const readers = Array.from({ length: 3 }, async () => {
      const reader = await connect(db.url);
      const read: string[] = [];
      let after: [string, string] = ['0', '0'];
      for (let idle = 0; writing || idle < 3;) {
        const { rows } = await reader.query<[string, string]>({
          text: readSql(match),
          values: after,
          rowMode: 'array',
        });
        for (const [t, p] of rows) read.push(`${t}:${p}`);
        if (rows.length > 0) {
          after = rows[rows.length - 1];
          idle = 0;
        } else if (!writing) idle++;
      }
      await reader.end();
      return read;
    });
    let appended = 0;
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        const stream = streamName();
        for (let i = 0; Date.now() < until; i++) {
          await store.append(`${stream}-${w % 3}`, [newEvent('Raced', { w, i })]);
          appended++;
        }
      }),
    );
    writing = false;
    const results = await Promise.all(readers);
    const all = await connect(db.url);
    const { rows } = await all.query<[string, string]>({
      text: `SELECT transaction_id::text AS t, global_position::text AS p FROM fristvagt.events e
             ORDER BY e.transaction_id, e.global_position`,
      rowMode: 'array',
    });
    await all.end();
    const log = rows.map(([t, p]) => `${t}:${p}`);
    console.log(`match by ${match}, ${seconds} s: ${appended} events appended, ${log.length} in the log`);
    results.forEach((read, k) => {
      const got = new Set(read);
      const skipped = log.filter((position) => !got.has(position));
      const inOrder = read.every((position, i) => position === log[i]);
      console.log(
        `reader ${k}: read ${read.length}, skipped ${skipped.length}${skipped.length > 0 ? ` (${skipped.slice(0, 5).join(' ')})` : ''}, ` +
          `log order ${inOrder ? 'kept' : 'broken'}`,
      );
    });
  } finally {
    for (const holder of holders) await holder.end().catch(() => undefined);
    await store.close();
    await Promise.all([db.drop(), other.drop()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
