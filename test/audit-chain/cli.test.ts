import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parseCheckpointSigningKey } from '@fristvagt/config';
import { generateSigningKey, PostgresEventStore, publicKeyPem } from '@fristvagt/event-store';
import { runCli } from '../../apps/cli/src/cli';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { newEvent, streamName } from '../support/events';

/** `fristvagt verify` (the function main.ts runs; its result is the process exit code). */
describe('fristvagt verify', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('fv_chain_cli');
    dir = await mkdtemp(join(tmpdir(), 'fv-verify-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function verify(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(['verify', ...args], {
      readStdin: async () => '',
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      env: { DATABASE_URL: db.url },
    });
    return { code, out, err };
  }

  it('exits 0 on an intact log, 1 once an event is edited, and catches a rewrite against a checkpoint', async () => {
    const store = await PostgresEventStore.connect({ connectionString: db.url });
    const parsed = parseCheckpointSigningKey(generateSigningKey());
    if (!parsed.ok) throw new Error(parsed.message);
    const stream = streamName('case');
    try {
      for (let i = 0; i < 5; i++)
        await store.append(stream, [newEvent('NoteAdded', { i }), newEvent('NoteAdded', { i })]);
      await store.append(streamName('case'), [newEvent('Other', {})]);
      const checkpoint = (await store.sealCheckpoint({
        key: parsed.value,
        now: new Date(),
        intervalMs: 1_000,
      }))!;
      await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(checkpoint));
      await writeFile(join(dir, 'key.pem'), publicKeyPem(parsed.value));
    } finally {
      await store.close();
    }

    const clean = await verify(
      '--all',
      '--against',
      join(dir, 'checkpoint.json'),
      '--public-key',
      join(dir, 'key.pem'),
    );
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.out)).toMatchObject({ ok: true, streams: 2, events: 11, breaks: [] });
    expect(clean.err).toMatch(/verify \[#+\] 100% 11\/11 events/);

    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      await sql.query(
        `UPDATE fristvagt.events SET data = '{"i":99}' WHERE stream_name = $1 AND stream_revision = 6`,
        [stream],
      );
    } finally {
      await sql.end();
    }
    const broken = await verify('--all');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out).breaks).toEqual([
      expect.objectContaining({ stream, revision: '6', kind: 'content' }),
    ]);
  });

  it('refuses a checkpoint signed by another key than the pinned one, and bad usage with 2', async () => {
    const other = parseCheckpointSigningKey(generateSigningKey());
    if (!other.ok) throw new Error(other.message);
    await writeFile(join(dir, 'other.pem'), publicKeyPem(other.value));
    const refused = await verify(
      '--all',
      '--against',
      join(dir, 'checkpoint.json'),
      '--public-key',
      join(dir, 'other.pem'),
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).refused).toMatch(/another key/);
    expect((await verify()).code).toBe(2);
    expect((await verify('--all', '--stream', 'x')).code).toBe(2);
  });
});
