import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request, { type Response } from 'supertest';
import { caseStreamName, loadDecideAppend, QueueWaitTimeout, streamQueue } from '@fristvagt/case-commands';
import { type NewEvent, PostgresEventStore, type RecordedEvent } from '@fristvagt/event-store';
import { cprFor, type TestApi, testCprEnv, useTestApi } from '../support/api';
import { postCommand } from '../support/api-requests';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type ServiceProcess, startService } from '../support/service-process';

/**
 * A batch import sends many commands to one case at once, without If-Match: the commands of one case take
 * turns within a process, conflicts between processes are retried, and commands of different cases still
 * run side by side.
 */

jest.setTimeout(180_000);

const BATCH = 32;
const PROBLEM = /^application\/problem\+json/;

/** The moment the pinned clock of the in-process api stands at: the real time, so a second process agrees. */
const NOW = new Date(Math.floor(Date.now() / 1_000) * 1_000);
const hoursBefore = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

async function openCase(api: TestApi, token: string, serial: number): Promise<string> {
  const opened = await postCommand(
    api,
    token,
    '/v1/cases',
    { cpr: cprFor('2012-05-05', serial), municipality: '461', occurredAt: hoursBefore(48) },
    `open-${serial}-${randomUUID()}`,
  );
  expect(opened.status).toBe(201);
  return opened.body.caseId as string;
}

function placement(caseId: string, i: number) {
  return {
    path: `/v1/cases/${caseId}/placements`,
    body: { placementId: `busy-${i}`, occurredAt: hoursBefore(2) },
    key: `busy-${caseId}-${i}`,
  };
}

async function caseEvents(database: TestDatabase, caseId: string): Promise<RecordedEvent[]> {
  const store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 2 });
  try {
    return await store.readStream(`case-${caseId}`);
  } finally {
    await store.close();
  }
}

function statuses(responses: readonly Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const label = response.status === 201 ? '201' : `${response.status} ${String(response.body.code)}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('one busy case, one api process', () => {
  const app = useTestApi({ now: NOW.toISOString() });

  it(`${BATCH} commands sent at once without If-Match all land, each at its own revision`, async () => {
    const caseId = await openCase(app.api, app.token, 4101);
    const commands = Array.from({ length: BATCH }, (_, i) => placement(caseId, i));

    const responses = await Promise.all(
      commands.map(({ path, body, key }) => postCommand(app.api, app.token, path, body, key)),
    );

    expect(statuses(responses)).toEqual({ '201': BATCH });
    const revisions = responses.map((response) => Number(response.body.revision));
    expect(new Set(revisions).size).toBe(BATCH);
    expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(BATCH);
    const events = await caseEvents(app.api.database, caseId);
    const started = events.filter((event) => event.type === 'PlacementStarted');
    expect(started.map((event) => event.data.placementId).sort()).toEqual(
      commands.map(({ body }) => body.placementId).sort(),
    );
    expect(Math.max(...revisions)).toBe(Number(events[events.length - 1].revision));
    // No key of the queue is left behind.
    expect(streamQueue(app.api.store).size).toBe(0);
  });

  it(`the same ${BATCH} commands sent again at once are all replayed, and nothing is appended`, async () => {
    const caseId = await openCase(app.api, app.token, 4102);
    const commands = Array.from({ length: BATCH }, (_, i) => placement(caseId, i));
    const send = () =>
      Promise.all(commands.map(({ path, body, key }) => postCommand(app.api, app.token, path, body, key)));
    const first = await send();
    const count = await app.api.eventCount();

    const again = await send();

    expect(statuses(again)).toEqual({ '201': BATCH });
    expect(again.every((response) => response.headers['idempotent-replayed'] === 'true')).toBe(true);
    expect(again.map((response) => response.body)).toEqual(first.map((response) => response.body));
    expect(await app.api.eventCount()).toBe(count);
  });

  it(`${BATCH} commands to ${BATCH} different cases all land`, async () => {
    const cases = await Promise.all(
      Array.from({ length: BATCH }, (_, i) => openCase(app.api, app.token, 4200 + i)),
    );

    const responses = await Promise.all(
      cases.map((caseId) => {
        const { path, body, key } = placement(caseId, 0);
        return postCommand(app.api, app.token, path, body, key);
      }),
    );

    expect(statuses(responses)).toEqual({ '201': BATCH });
    expect(streamQueue(app.api.store).size).toBe(0);
  });

  it('a command stuck in the store: the next one on its case gives up with 503 case-busy and appends nothing, its retry lands later', async () => {
    const busy = await openCase(app.api, app.token, 4301);
    const other = await openCase(app.api, app.token, 4302);
    // A real stuck store call: appends wait for this lock, reads do not.
    const locker = new Client({ connectionString: app.api.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE fristvagt.events IN EXCLUSIVE MODE');
      const stuck = placement(busy, 0);
      // then() sends it: a supertest request goes out only when it is awaited.
      const stuckResponse = postCommand(app.api, app.token, stuck.path, stuck.body, stuck.key).then(
        (response) => response,
      );
      // The stuck command has its turn before the next one asks for it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const next = placement(busy, 1);
      const started = performance.now();
      const nextResponse = await postCommand(app.api, app.token, next.path, next.body, next.key);
      const waited = performance.now() - started;

      expect(nextResponse.status).toBe(503);
      expect(nextResponse.headers['content-type']).toMatch(PROBLEM);
      expect(nextResponse.headers['retry-after']).toBe('1');
      expect(nextResponse.body).toMatchObject({ code: 'case-busy', status: 503 });
      expect(waited).toBeGreaterThan(9_000);
      expect(waited).toBeLessThan(20_000);

      await locker.query('COMMIT');
      expect((await stuckResponse).status).toBe(201);
      // Given up before its turn, the refused command appended nothing; its retry lands.
      const events = await caseEvents(app.api.database, busy);
      expect(events.filter((event) => event.data.placementId === 'busy-1')).toEqual([]);
      const retried = await postCommand(app.api, app.token, next.path, next.body, next.key);
      expect(retried.status).toBe(201);
      const otherCommand = placement(other, 0);
      expect(
        (await postCommand(app.api, app.token, otherCommand.path, otherCommand.body, otherCommand.key))
          .status,
      ).toBe(201);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});

describe('one busy case, two api processes on one database', () => {
  // Small pools: the commands of one case use one connection at a time in each process.
  const sharedEnv = { ...testCprEnv(), DATABASE_POOL_SIZE: '6' };
  const app = useTestApi({ now: NOW.toISOString(), env: sharedEnv });
  let second: ServiceProcess | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-busy-'));
    second = await startService('api-b', {
      DATABASE_URL: app.api.database.url,
      DATA_DIR: dataDir,
      FRISTVAGT_ROLE: 'api',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...sharedEnv,
    });
  });

  afterAll(async () => {
    await second?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it(`${BATCH / 2} + ${BATCH / 2} commands at once without If-Match: at least ${BATCH - 1} of ${BATCH} land`, async () => {
    const rounds = 3;
    const seen: Array<Record<string, number>> = [];
    for (let round = 0; round < rounds; round++) {
      const caseId = await openCase(app.api, app.token, 4400 + round);
      const commands = Array.from({ length: BATCH }, (_, i) => placement(caseId, i));
      const other = request(second!.url());

      const responses = await Promise.all(
        commands.map(({ path, body, key }, i) =>
          i % 2 === 0
            ? postCommand(app.api, app.token, path, body, key, { 'X-Request-Id': `a-${i}` })
            : other
                .post(path)
                .set('Authorization', `Bearer ${app.token}`)
                .set('Idempotency-Key', key)
                .set('X-Request-Id', `b-${i}`)
                .send(body),
        ),
      );

      const landed = responses.filter((response) => response.status === 201);
      const order = (await caseEvents(app.api.database, caseId))
        .filter((event) => event.type === 'PlacementStarted')
        .map((event) => event.metadata.correlationId[0]);
      // How often the writer changed along the stream: the two processes' commands interleaved.
      const switches = order.filter((writer, i) => i > 0 && writer !== order[i - 1]).length;
      seen.push({ ...statuses(responses), switches });
      expect(landed.length).toBeGreaterThanOrEqual(BATCH - 1);
      // Whatever did not land is a 409 to retry, never an error of ours.
      expect(responses.filter((r) => r.status !== 201 && r.body.code !== 'stream-revision-conflict')).toEqual(
        [],
      );
      const started = (await caseEvents(app.api.database, caseId)).filter(
        (event) => event.type === 'PlacementStarted',
      );
      expect(started).toHaveLength(landed.length);
      expect(new Set(landed.map((response) => response.body.revision)).size).toBe(landed.length);
    }
    process.stdout.write(`two api processes, ${BATCH} commands per round: ${JSON.stringify(seen)}\n`);
  });
});

function testEvent(data: Record<string, unknown>): NewEvent {
  return {
    id: randomUUID(),
    type: 'Tested',
    data,
    metadata: {
      municipality: '461',
      actor: 'test',
      occurredAt: NOW.toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

describe('the write path, on PostgreSQL', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('fv_busy');
    store = await PostgresEventStore.connect({ connectionString: database.url, poolSize: 8 });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  /**
   * Sends `count` appends of one event each through loadDecideAppend and measures how many were between
   * their decision and their answer at once, and the attempts they needed.
   */
  async function appendAtOnce(streams: readonly string[]) {
    let inFlight = 0;
    let mostInFlight = 0;
    const attempts: number[] = [];
    await Promise.all(
      streams.map((stream, i) =>
        loadDecideAppend(store, stream, (loaded, attempt) => {
          attempts[i] = attempt;
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          return {
            kind: 'append',
            events: [testEvent({ i, after: String(loaded.revision) })],
            answer: () => {
              inFlight--;
            },
          };
        }),
      ),
    );
    return { mostInFlight, attempts };
  }

  it(`${BATCH} writers of one stream take turns: none meets a conflict`, async () => {
    const stream = `case-${randomUUID()}`;

    const { mostInFlight, attempts } = await appendAtOnce(Array.from({ length: BATCH }, () => stream));

    expect(mostInFlight).toBe(1);
    expect(attempts).toEqual(Array.from({ length: BATCH }, () => 1));
    expect(await store.readStream(stream)).toHaveLength(BATCH);
    expect(streamQueue(store).size).toBe(0);
  });

  it(`${BATCH} writers of ${BATCH} streams overlap: they are not serialised across streams`, async () => {
    const streams = Array.from({ length: BATCH }, () => `case-${randomUUID()}`);

    const { mostInFlight } = await appendAtOnce(streams);

    expect(mostInFlight).toBeGreaterThan(1);
    process.stdout.write(`${BATCH} streams at once: at most ${mostInFlight} between decision and answer\n`);
    expect(streamQueue(store).size).toBe(0);
  });

  it('the writers of one case take turns however its id is written: the stream name is in lower case', async () => {
    const caseId = randomUUID();
    const names = [caseStreamName(caseId.toUpperCase()), caseStreamName(caseId)];
    const { mostInFlight } = await appendAtOnce([...names, ...names]);
    expect(mostInFlight).toBe(1);
  });

  it('a writer that waited too long for its turn gives up with QueueWaitTimeout, undecided, and appends nothing', async () => {
    const stream = `case-${randomUUID()}`;
    let release!: () => void;
    const holding = streamQueue(store).run(
      stream,
      () => new Promise<void>((resolve) => (release = resolve)),
      {
        maxWaitMs: 1_000,
      },
    );
    let decided = false;

    const waiting = loadDecideAppend(
      store,
      stream,
      () => {
        decided = true;
        return { kind: 'append', events: [testEvent({})], answer: () => 1 };
      },
      { maxQueueWaitMs: 100 },
    );

    await expect(waiting).rejects.toBeInstanceOf(QueueWaitTimeout);
    release();
    await holding;
    expect(decided).toBe(false);
    await expect(store.readStream(stream)).rejects.toMatchObject({ code: 'stream-not-found' });
    expect(streamQueue(store).size).toBe(0);
  });
});
