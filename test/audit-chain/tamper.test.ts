import { Client } from 'pg';
import {
  checkCheckpoint,
  chainLink,
  contentHash,
  GENESIS,
  generateSigningKey,
  PostgresEventStore,
} from '@fristvagt/event-store';
import { parseCheckpointSigningKey } from '@fristvagt/config';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { newEvent, streamName } from '../support/events';

function parseSigningKey(text: string) {
  const parsed = parseCheckpointSigningKey(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const NOW = new Date('2026-03-29T10:00:00.000Z');
const HOUR = 3_600_000;

describe('tamper evidence on PostgreSQL (issue 13, point 3)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase('fv_chain');
    store = await PostgresEventStore.connect({ connectionString: db.url, clock: () => NOW });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await store?.close();
    await db?.drop();
  });

  /** A stream of `count` events appended in batches of 1, 2 and 3, so links cross append boundaries. */
  async function seedStream(count: number): Promise<{ stream: string; ids: string[] }> {
    const stream = streamName('case');
    const ids: string[] = [];
    let n = 0;
    for (let size = 1; n < count; size = (size % 3) + 1) {
      const batch = Array.from({ length: Math.min(size, count - n) }, () =>
        newEvent('NoteAdded', { n: n++, text: 'æøå "quoted"', nested: { b: 1, a: [1, { z: null }] } }),
      );
      await store.append(stream, batch);
      ids.push(...batch.map((e) => e.id));
    }
    return { stream, ids };
  }

  /** Runs `edit` on the stored log, and undoes nothing: each test seeds its own stream. */
  const exec = (text: string, params: unknown[]) => sql.query(text, params);

  /** Recomputes every stored hash of `stream` from its stored texts with the chain module, and compares. */
  async function expectHashesAsDefined(stream: string, events: number): Promise<void> {
    const { rows } = await exec(
      `SELECT stream_revision::int AS r, event_id::text AS id, event_type AS t, data::text AS d, metadata::text AS m,
         content_hash, chain_hash FROM fristvagt.events WHERE stream_name = $1 ORDER BY stream_revision`,
      [stream],
    );
    let previous = GENESIS;
    for (const row of rows) {
      const content = contentHash({
        streamName: stream,
        id: row.id,
        type: row.t,
        dataJson: row.d,
        metadataJson: row.m,
      });
      expect(JSON.parse(row.m).recordedAt).toBe(NOW.toISOString());
      expect(row.content_hash.toString('hex')).toBe(content.toString('hex'));
      previous = chainLink(previous, BigInt(row.r), content);
      expect(row.chain_hash.toString('hex')).toBe(previous.toString('hex'));
    }
    expect(rows).toHaveLength(events);
  }

  it('stores the hashes the chain module defines, linked across appends', async () => {
    const { stream } = await seedStream(4);
    await expectHashesAsDefined(stream, 4);
  });

  it("links a new stream's first append in the client ('no_stream') exactly as the server links the rest", async () => {
    const event = (n: number) => newEvent('NoteAdded', { n, text: 'æøå "quoted"' });
    const single = streamName('case');
    await store.append(single, [event(0)], { expectedRevision: 'no_stream' });
    await store.append(single, [event(1), event(2)], { expectedRevision: 0n });
    await expectHashesAsDefined(single, 3);
    const batch = streamName('case');
    await store.append(batch, [event(0), event(1), event(2)], { expectedRevision: 'no_stream' });
    await store.append(batch, [event(3)]);
    await expectHashesAsDefined(batch, 4);
    await expect(
      store.append(batch, [event(4), event(5)], { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({
      actual: 3n,
    });
    await expectHashesAsDefined(batch, 4);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('verifies an untouched log', async () => {
    await seedStream(7);
    const report = await store.verifyChain();
    expect(report).toMatchObject({ ok: true, breaks: [], unhashed: 0 });
    expect(report.events).toBeGreaterThanOrEqual(7);
  });

  it('names the event whose data was edited in the database', async () => {
    const { stream, ids } = await seedStream(6);
    await exec(
      `UPDATE fristvagt.events SET data = '{"n":3,"text":"changed"}' WHERE stream_name = $1 AND stream_revision = 3`,
      [stream],
    );
    const report = await store.verifyChain({ stream });
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([
      expect.objectContaining({ stream, revision: '3', eventId: ids[3], kind: 'content' }),
    ]);
  });

  it('names the event whose recordedAt was moved', async () => {
    const { stream, ids } = await seedStream(3);
    await exec(
      `UPDATE fristvagt.events SET metadata = jsonb_set(metadata::jsonb, '{recordedAt}', '"2026-01-01T00:00:00.000Z"')::json
       WHERE stream_name = $1 AND stream_revision = 1`,
      [stream],
    );
    const report = await store.verifyChain({ stream });
    expect(report.breaks).toEqual([
      expect.objectContaining({ stream, revision: '1', eventId: ids[1], kind: 'content' }),
    ]);
  });

  it('names the event moved when two revisions are swapped', async () => {
    const { stream, ids } = await seedStream(6);
    const move = (from: number, to: number) =>
      exec(
        `UPDATE fristvagt.events SET stream_revision = $3 WHERE stream_name = $1 AND stream_revision = $2`,
        [stream, from, to],
      );
    await move(2, -1);
    await move(4, 2);
    await move(-1, 4);
    const report = await store.verifyChain({ stream });
    expect(report.breaks).toEqual([
      expect.objectContaining({ stream, revision: '2', eventId: ids[4], kind: 'link' }),
    ]);
  });

  it('names the revision of a deleted event', async () => {
    const { stream, ids } = await seedStream(6);
    await exec(`DELETE FROM fristvagt.events WHERE stream_name = $1 AND stream_revision = 2`, [stream]);
    const report = await store.verifyChain({ stream });
    expect(report.breaks).toEqual([
      expect.objectContaining({ stream, revision: '2', eventId: ids[3], kind: 'revision-missing' }),
    ]);
  });

  it('reports every broken stream of the whole log, and only those', async () => {
    const clean = await seedStream(3);
    const edited = await seedStream(3);
    await exec(
      `UPDATE fristvagt.events SET event_type = 'Forged' WHERE stream_name = $1 AND stream_revision = 0`,
      [edited.stream],
    );
    const report = await store.verifyChain({ pageSize: 4 });
    const streams = report.breaks.map((b) => b.stream);
    expect(streams).toContain(edited.stream);
    expect(streams).not.toContain(clean.stream);
  });

  it('catches a stream rewritten with recomputed hashes against an earlier checkpoint', async () => {
    const { stream, ids } = await seedStream(5);
    const key = parseSigningKey(generateSigningKey());
    const checkpoint = await store.sealCheckpoint({
      key,
      now: new Date(NOW.getTime() + 10 * HOUR),
      intervalMs: HOUR,
    });
    expect(checkpoint).not.toBeNull();
    expect(checkCheckpoint(checkpoint!)).toBeNull();
    // Within the interval nothing is sealed again.
    expect(
      await store.sealCheckpoint({ key, now: new Date(NOW.getTime() + 10.5 * HOUR), intervalMs: HOUR }),
    ).toBeNull();
    // An exported checkpoint verifies against the untouched stream.
    expect((await store.verifyChain({ stream, against: checkpoint! })).ok).toBe(true);

    // Someone with write access edits revision 1 and recomputes every hash after it.
    const { rows } = await exec(
      `SELECT stream_revision::int AS r, event_id::text AS id, event_type AS t, data::text AS d, metadata::text AS m
       FROM fristvagt.events WHERE stream_name = $1 ORDER BY stream_revision`,
      [stream],
    );
    let previous = GENESIS;
    for (const row of rows) {
      const data = row.r === 1 ? JSON.stringify({ n: 1, text: 'rewritten' }) : row.d;
      const content = contentHash({
        streamName: stream,
        id: row.id,
        type: row.t,
        dataJson: data,
        metadataJson: row.m,
      });
      previous = chainLink(previous, BigInt(row.r), content);
      await exec(
        `UPDATE fristvagt.events SET data = $3::json, content_hash = $4, chain_hash = $5
         WHERE stream_name = $1 AND stream_revision = $2`,
        [stream, row.r, data, content, previous],
      );
    }
    // The chain alone cannot tell...
    expect((await store.verifyChain({ stream })).ok).toBe(true);
    // ...the checkpoint can, and names the stream.
    const report = await store.verifyChain({ stream, against: checkpoint! });
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([expect.objectContaining({ stream, revision: '4', kind: 'checkpoint' })]);
    expect(ids).toHaveLength(5);
  });

  it('refuses a checkpoint whose leaves or signature were altered', async () => {
    const key = parseSigningKey(generateSigningKey());
    const [sealed] = await store.listCheckpoints({ limit: 1 });
    const checkpoint =
      sealed ??
      (await store.sealCheckpoint({ key, now: new Date(NOW.getTime() + 100 * HOUR), intervalMs: HOUR }))!;
    const leaves = checkpoint.leaves.map((l, i) => (i === 0 ? { ...l, hash: '00'.repeat(32) } : l));
    expect(checkCheckpoint({ ...checkpoint, leaves })).toMatch(/root/);
    expect(checkCheckpoint({ ...checkpoint, sealedAt: '2020-01-01T00:00:00.000Z' })).toMatch(/signature/);
    const otherKey = parseSigningKey(generateSigningKey());
    const { publicKeyPem } = await import('@fristvagt/event-store');
    expect(checkCheckpoint(checkpoint, publicKeyPem(otherKey))).toMatch(/another key/);
  });
});
