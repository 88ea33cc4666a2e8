import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { type NewEvent, PostgresEventStore } from '@fristvagt/event-store';
import {
  municipalityKey,
  type ObligationReadState,
  ObligationsReadModel,
  obligationsProjection,
  openPostgresReadModels,
  type Projection,
  leadershipKey,
  ProjectionRunner,
  type ReadModelDatabase,
  readCheckpoint,
  readRegistry,
  requestRebuild,
  stateKey,
} from '@fristvagt/projections';
import { runCli } from '../../apps/cli/src/cli';
import { mapLimit } from '../support/api-requests';
import { notifyPolice, openCase } from '../support/cases';
import { newEvent } from '../support/events';
import { aroundWrites } from '../support/projections';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const ROOT = resolve(__dirname, '../..');

/** Cases each with a police notification (CaseOpened, PoliceDocumentationReceived, ObligationOpened, ...). */
async function seedCases(store: PostgresEventStore, count: number): Promise<string[]> {
  return mapLimit(
    Array.from({ length: count }, () => randomUUID()),
    16,
    async (caseId) => {
      await openCase(store, caseId, { occurredAt: '2026-03-01T09:00:00.000Z' });
      await notifyPolice(store, caseId, {
        occurredAt: '2026-03-02T10:00:00.000Z',
        now: '2026-03-20T10:00:00.000Z',
      });
      return caseId;
    },
  );
}

async function logCount(db: TestDatabase): Promise<number> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM fristvagt.events')).rows[0].n);
  } finally {
    await client.end();
  }
}

async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 50,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Runs `runner` until the live generation has applied `total` events. runUntilCaughtUp alone may stop short:
 * readers of the log are held back behind transactions open anywhere on the shared server.
 */
async function projectAll(runner: ProjectionRunner, db: ReadModelDatabase, total: number): Promise<void> {
  await waitUntil(
    async () => {
      await runner.runUntilCaughtUp();
      const active = (await readRegistry(db, 'obligations'))?.active;
      return active != null && (await readCheckpoint(db, 'obligations', active.generation))?.events === total;
    },
    30_000,
    `the projection to apply all ${total} events`,
  );
}

function openedData(obligationId: string, dueAt: string | null): Record<string, unknown> {
  return {
    obligationId,
    ruleId: 'NSR-CONVENE',
    variant: 'barnets-lov',
    title: 'Convene',
    subject: { kind: 'documentation', id: obligationId },
    dueAt,
    dueDate: dueAt?.slice(0, 10) ?? null,
    strictDueAt: dueAt,
    rolledDueAt: null,
    warnAt: null,
    basis: 'statute',
    citation: 'Barnets lov',
    rulePack: { id: 'dk-youth', version: '2026.1' },
    municipality: '461',
    triggeredBy: { type: 'PoliceDocumentationReceived', key: obligationId },
  };
}

/** Cases of the exactly-once test: four events each. */
const CASES = 3_000;

describe('projection runner on PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  const dbs: ReadModelDatabase[] = [];
  const runners: ProjectionRunner[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('fv_proj');
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 8 });
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await Promise.all(dbs.splice(0).map((db) => db.close()));
    await store.close();
    await database.drop();
  });

  function spawnProjector(batch = 100): ChildProcess {
    return spawn(
      process.execPath,
      ['-r', resolve(ROOT, 'test/support/ts-register.js'), resolve(__dirname, 'projector-child.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: database.url, BATCH: String(batch), APPLY_DELAY_MS: '10' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }

  async function readModels(): Promise<ReadModelDatabase> {
    const db = await openPostgresReadModels(database.url);
    dbs.push(db);
    return db;
  }

  it('applies every event exactly once although its process is killed -9 five times mid-batch', async () => {
    // Enough log, in small enough batches, that five short lives cannot apply it all: each life is killed
    // within about 50 ms of its first batch.
    await seedCases(store, CASES);
    const total = await logCount(database);
    const spawnChild = () => spawnProjector(20);
    const db = await readModels();
    const applied = async () => {
      const registry = await readRegistry(db, 'obligations').catch(() => null);
      const generation = registry?.active?.generation ?? registry?.building?.generation;
      return generation === undefined
        ? 0
        : ((await readCheckpoint(db, 'obligations', generation))?.events ?? 0);
    };
    let kills = 0;
    let child: ChildProcess = spawnChild();
    while (kills < 5) {
      const before = await applied();
      await waitUntil(async () => (await applied()) > before, 30_000, 'the projection to make progress', 5);
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      kills++;
      child = spawnChild();
    }
    // Killed mid-way, not after the end: otherwise the test proves nothing.
    expect(await applied()).toBeLessThan(total);
    await waitUntil(
      async () => (await applied()) >= total && (await readRegistry(db, 'obligations'))?.active != null,
      60_000,
      'the projection to catch up and go live',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // Counted once each: the checkpoint's count of applied events is the log's, and every row is there once.
    expect(await applied()).toBe(total);
    const registry = await readRegistry(db, 'obligations');
    const rows = await db.query(
      `SELECT count(*), count(DISTINCT case_id) FROM read_models.obligations_g${registry!.active!.generation}`,
    );
    expect(rows[0].map(Number)).toEqual([CASES, CASES]);
    const revisions = await db.query(
      `SELECT count(*) FROM read_models.case_summaries_g${registry!.active!.generation} WHERE revision <> 3`,
    );
    expect(Number(revisions[0][0])).toBe(0);
  }, 180_000);

  it('runs one leader across processes and hands over within seconds when the leader is killed -9', async () => {
    await seedCases(store, 20);
    const leader = spawnProjector();
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Holders of this projection's leadership lock only: migrations and every append (the append gate) take
      // advisory locks of their own for a moment, which says nothing about who leads.
      const key = leadershipKey(obligationsProjection.name);
      const advisoryHolders = async () =>
        (
          await admin.query(
            `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1`,
            [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
          )
        ).rows.length;
      await waitUntil(async () => (await advisoryHolders()) === 1, 30_000, 'the child to lead');
      const standby = new ProjectionRunner(obligationsProjection, await readModels(), store, {
        standbyPollMs: 200,
      });
      runners.push(standby);
      await standby.start();
      await new Promise((r) => setTimeout(r, 800));
      expect(standby.role()).toBe('standby');

      const killed = Date.now();
      leader.kill('SIGKILL');
      await waitUntil(async () => standby.role() === 'leader', 5_000, 'the standby to take over');
      expect(Date.now() - killed).toBeLessThan(3_000);
      expect(await advisoryHolders()).toBe(1);
    } finally {
      leader.kill('SIGKILL');
      await admin.end();
    }

    // The new leader follows the log.
    const [caseId] = await seedCases(store, 1);
    const readModel = new ObligationsReadModel(dbs[dbs.length - 1]);
    await waitUntil(
      async () => (await readModel.list({ municipalities: null, caseId }, null, 10)).items.length === 1,
      10_000,
      'the new leader to project a new case',
    );
  }, 60_000);

  it('builds a new version into fresh tables, switches over when caught up, and drops the old generation', async () => {
    await seedCases(store, 50);
    const db = await readModels();
    const total = await logCount(database);
    await projectAll(new ProjectionRunner(obligationsProjection, db, store), db, total);
    expect((await readRegistry(db, 'obligations'))?.active).toEqual({
      generation: 1,
      version: obligationsProjection.version,
    });

    const next: Projection = { ...obligationsProjection, version: obligationsProjection.version + 1 };
    await projectAll(new ProjectionRunner(next, db, store), db, total);

    expect(await readRegistry(db, 'obligations')).toMatchObject({
      active: { generation: 2, version: next.version },
      building: null,
    });
    const tables = await db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'read_models' AND table_name LIKE '%_g%' ORDER BY 1`,
    );
    expect(tables.map((row) => row[0])).toEqual(['case_summaries_g2', 'obligations_g2']);
    expect(Number((await db.query('SELECT count(*) FROM read_models.obligations_g2'))[0][0])).toBe(50);
    // The query indexes, built by finish at the switch-over.
    const indexes = await db.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'read_models' AND tablename LIKE '%_g2' ORDER BY 1`,
    );
    expect(indexes.map((row) => row[0])).toEqual([
      'case_summaries_g2_municipality',
      'case_summaries_g2_pkey',
      'obligations_g2_pkey',
      'obligations_g2_state',
      'obligations_g2_sweep',
    ]);
    // And statistics, so that the first queries of the new generation are planned on its real size.
    const analyzed = await db.query(
      `SELECT c.relname, c.reltuples::int, (SELECT count(*)::int FROM pg_stats s
                                       WHERE s.schemaname = 'read_models' AND s.tablename = c.relname)
         FROM pg_class c WHERE c.relname IN ('obligations_g2', 'case_summaries_g2') ORDER BY 1`,
    );
    expect(analyzed.map(([name, tuples, columns]) => [name, tuples, Number(columns) > 5])).toEqual([
      ['case_summaries_g2', 50, true],
      ['obligations_g2', 50, true],
    ]);
  }, 60_000);

  it('reads each batch of a build beside a live generation once: its read-ahead survives the live steps', async () => {
    await seedCases(store, 50);
    const db = await readModels();
    const total = await logCount(database);
    await projectAll(new ProjectionRunner(obligationsProjection, db, store), db, total);
    // The store as the runner sees it, counting the reads of build-sized batches.
    let buildReads = 0;
    const counted = Object.create(store) as PostgresEventStore;
    counted.readAllEach = (options, onEvent) => {
      if (options.maxCount === 20) buildReads++;
      return store.readAllEach(options, onEvent);
    };
    // A rebuild of the same version (`projections rebuild`): the runner advances the build and the live one.
    await requestRebuild(db, 'obligations');
    await projectAll(
      new ProjectionRunner(obligationsProjection, db, counted, { rebuildBatch: 20, liveBatch: 7 }),
      db,
      total,
    );
    expect((await readRegistry(db, 'obligations'))?.active?.generation).toBe(2);
    const batches = Math.ceil(total / 20);
    // One read per batch, and one that finds the head (more only if a read raced an append: none here).
    expect(buildReads).toBeGreaterThanOrEqual(batches);
    expect(buildReads).toBeLessThanOrEqual(batches + 2);
  }, 60_000);

  it("keeps every case summary's counts equal to its obligations, whatever the batch size", async () => {
    // Cases whose histories interleave in the log (so a batch holds some cases whole and others in part), with
    // obligations opened twice, breached, fulfilled, cancelled, waived, breached after closing, and transfers.
    // The expected counts are computed here from the generated history, not by the projection's code.
    let seed = 9;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    interface Model {
      due: Map<string, string | null>;
      closed: Set<string>;
      breached: Set<string>;
    }
    const models = new Map<string, Model>();
    const pending: { stream: string; events: NewEvent[] }[] = [];
    for (let c = 0; c < 60; c++) {
      const caseId = randomUUID();
      const model: Model = { due: new Map(), closed: new Set(), breached: new Set() };
      models.set(caseId, model);
      const appends: NewEvent[][] = [[newEvent('CaseOpened', { caseId })]];
      for (let step = 0; step < 1 + Math.floor(random() * 12); step++) {
        const ids = [...model.due.keys()];
        const kind =
          ids.length === 0 ? 'open' : pick(['open', 'open', 'breach', 'fulfil', 'cancel', 'waive', 'move']);
        const id = kind === 'open' ? `R:${pick(['a', 'b', 'c', 'd', 'e', 'f'])}` : pick(ids);
        const batch: NewEvent[] = [];
        if (kind === 'open') {
          const day = 1 + Math.floor(random() * 28);
          const due = random() < 0.1 ? null : `2026-04-${String(day).padStart(2, '0')}T22:00:00.000Z`;
          if (!model.due.has(id)) model.due.set(id, due); // a second opening changes nothing
          batch.push(newEvent('ObligationOpened', openedData(id, due)));
        } else if (kind === 'breach') {
          model.breached.add(id);
          batch.push(
            newEvent('ObligationBreached', { obligationId: id, detectedAt: '2026-04-30T00:00:00.000Z' }),
          );
        } else if (kind === 'move') {
          batch.push(newEvent('CaseTransferred', { toMunicipality: pick(['101', '461', '751']) }));
        } else {
          model.closed.add(id);
          const data =
            kind === 'fulfil'
              ? { obligationId: id, onTime: random() < 0.5 }
              : kind === 'cancel'
                ? { obligationId: id, reason: 'superseded-by-late-fact' }
                : { obligationId: id, justification: 'not needed' };
          batch.push(
            newEvent(
              kind === 'fulfil'
                ? 'ObligationFulfilled'
                : kind === 'cancel'
                  ? 'ObligationCancelled'
                  : 'ObligationWaived',
              data,
            ),
          );
        }
        if (random() < 0.5) appends[appends.length - 1]!.push(...batch);
        else appends.push(batch);
      }
      for (const events of appends) pending.push({ stream: `case-${caseId}`, events });
    }
    // Interleave: each append goes after the previous append of its own case, at a random point after it.
    const order: typeof pending = [];
    const queues = new Map<string, typeof pending>();
    for (const append of pending) queues.set(append.stream, [...(queues.get(append.stream) ?? []), append]);
    while (queues.size > 0) {
      const stream = pick([...queues.keys()]);
      const queue = queues.get(stream)!;
      order.push(queue.shift()!);
      if (queue.length === 0) queues.delete(stream);
    }
    for (const { stream, events } of order) await store.append(stream, events);
    const total = await logCount(database);

    const expected = [...models].map(([caseId, m]) => {
      const open = [...m.due.keys()].filter((id) => !m.closed.has(id));
      const dues = open
        .filter((id) => !m.breached.has(id))
        .map((id) => m.due.get(id))
        .filter((d) => d != null);
      return [caseId, open.length, open.filter((id) => m.breached.has(id)).length, dues.sort()[0] ?? null];
    });
    expected.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const db = await readModels();
    for (const [version, batch] of [
      [101, 1],
      [102, 4],
      [103, 17],
      [104, 5_000],
    ] as const) {
      const projection: Projection = { ...obligationsProjection, version };
      await projectAll(
        new ProjectionRunner(projection, db, store, { rebuildBatch: batch, liveBatch: batch }),
        db,
        total,
      );
      const generation = (await readRegistry(db, 'obligations'))!.active!.generation;
      const rows = await db.query(
        `SELECT case_id, open_obligations, breached_obligations,
                to_char(next_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           FROM read_models.case_summaries_g${generation} ORDER BY case_id COLLATE "C"`,
      );
      expect({
        batch,
        rows: rows.map(([id, open, breached, due]) => [id, Number(open), Number(breached), due]),
      }).toEqual({
        batch,
        rows: expected,
      });
      // The list index's number keys say what the texts say, after every breach, closing and transfer.
      const keys = await db.query(
        `SELECT state, state_key, municipality, municipality_key FROM read_models.obligations_g${generation}`,
      );
      const wrong = keys.filter(
        ([state, sk, municipality, mk]) =>
          Number(sk) !== stateKey(state as ObligationReadState) ||
          Number(mk) !== municipalityKey(String(municipality)),
      );
      expect({ batch, rows: keys.length > 0, wrong }).toEqual({ batch, rows: true, wrong: [] });
      expect(new Set(keys.map((row) => row[0]))).toEqual(
        new Set(['open', 'breached', 'fulfilled', 'cancelled', 'waived']),
      );
    }
  }, 120_000);

  it('applies a batch whose write failed again, once, and goes on from it, the batch read ahead meanwhile dropped', async () => {
    const caseIds = await seedCases(store, 80);
    const db = await readModels();
    let writes = 0;
    const errors: string[] = [];
    const probe = aroundWrites(async (write) => {
      writes++;
      if (writes === 3) throw new Error('the third write refused');
      // Long enough for the next batch to be read ahead before this one commits.
      await new Promise((resolve) => setTimeout(resolve, 30));
      await write();
    });
    const runner = new ProjectionRunner(probe, db, store, {
      rebuildBatch: 25,
      liveBatch: 25,
      standbyPollMs: 50,
      onError: (error) => errors.push(String(error)),
    });
    runners.push(runner);
    await runner.start();
    const total = await logCount(database);
    await waitUntil(
      async () => {
        const active = (await readRegistry(db, 'obligations'))?.active;
        return (
          active != null && (await readCheckpoint(db, 'obligations', active.generation))?.events === total
        );
      },
      30_000,
      'the build to apply every event',
    );
    expect(errors).toEqual(['Error: the third write refused']);
    const [[obligations, distinct]] = await db.query(
      'SELECT count(*)::int, count(DISTINCT (case_id, obligation_id))::int FROM read_models.obligations_g1',
    );
    expect([obligations, distinct]).toEqual([caseIds.length, caseIds.length]);
    const [[cases, withOne]] = await db.query(
      'SELECT count(*)::int, count(*) FILTER (WHERE open_obligations = 1)::int FROM read_models.case_summaries_g1',
    );
    expect([cases, withOne]).toEqual([caseIds.length, caseIds.length]);
  }, 60_000);

  it('commits the batches of a generation being built without waiting for the WAL, and those of the serving one with', async () => {
    await seedCases(store, 20);
    const db = await readModels();
    const seen: string[] = [];
    const probe = aroundWrites(async (write, tx, mode) => {
      const [[setting]] = await tx.query(`SELECT current_setting('synchronous_commit')`);
      seen.push(`${mode} ${String(setting)}`);
      await write();
    });
    const runner = new ProjectionRunner(probe, db, store, { rebuildBatch: 25, liveBatch: 25 });
    await projectAll(runner, db, await logCount(database));
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(['build off']));

    seen.length = 0;
    await seedCases(store, 5);
    await projectAll(runner, db, await logCount(database));
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['live on']));
    expect(Number((await db.query('SELECT count(*) FROM read_models.obligations_g1'))[0][0])).toBe(25);
  }, 60_000);

  it('hands afterCommit every event it needs once, in log order, and none it does not, across read-ahead batches', async () => {
    const caseIds = await seedCases(store, 60);
    const db = await readModels();
    const handed: string[] = [];
    const runner = new ProjectionRunner(obligationsProjection, db, store, {
      rebuildBatch: 7,
      liveBatch: 7,
      afterCommit: async (events) => void handed.push(...events.map((e) => `${e.streamName} ${e.type}`)),
      afterCommitNeeds: (event) => event.type === 'ObligationOpened',
    });
    await projectAll(runner, db, await logCount(database));
    const opened: string[] = [];
    for (const event of await store.readAll({ maxCount: 10_000 }))
      if (event.type === 'ObligationOpened') opened.push(`${event.streamName} ${event.type}`);
    expect(opened).toHaveLength(caseIds.length);
    expect(handed).toEqual(opened);
  }, 60_000);

  it('`projections rebuild` builds a fresh generation with a progress line and switches queries to it', async () => {
    await seedCases(store, 200);
    const db = await readModels();
    await projectAll(new ProjectionRunner(obligationsProjection, db, store), db, await logCount(database));
    const before = await new ObligationsReadModel(db).summary({ municipalities: null });

    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['projections', 'rebuild', 'obligations'], {
      readStdin: async () => '',
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: { DATABASE_URL: database.url },
    });

    expect(code).toBe(0);
    const result = JSON.parse(out.join(''));
    expect(result).toMatchObject({
      projection: 'obligations',
      generation: 2,
      events: await logCount(database),
    });
    expect(err.join('')).toMatch(/obligations \[#+\.*\] 100% [\d,]+\/[\d,]+ events\s+[\d,]+ events\/s/);
    const readModel = new ObligationsReadModel(db);
    expect((await readModel.checkpoint()).generation).toBe(2);
    expect(await readModel.summary({ municipalities: null })).toEqual(before);
  }, 60_000);

  it('`projections rebuild` refuses an unknown name', async () => {
    const err: string[] = [];
    const code = await runCli(['projections', 'rebuild', 'nope'], {
      readStdin: async () => '',
      stdout: () => undefined,
      stderr: (text) => err.push(text),
      env: { DATABASE_URL: database.url },
    });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^Unknown projection: nope \(known: obligations, alerts\)/);
  });
});
