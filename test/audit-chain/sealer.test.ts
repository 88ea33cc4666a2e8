import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FixedClock, loadConfig } from '@fristvagt/config';
import {
  checkCheckpoint,
  generateSigningKey,
  PgliteEventStore,
  PostgresEventStore,
} from '@fristvagt/event-store';
import { createLogger } from '@fristvagt/logging';
import { CheckpointSealer, GENERATED_CHECKPOINT_KEY_FILE } from '../../apps/worker/src/checkpoint-sealer';
import { createTestDatabase, TestDatabase } from '../support/postgres';
import { newEvent, streamName } from '../support/events';

jest.setTimeout(60_000);

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ destination }), text: () => lines.join('') };
}

/** The worker's checkpoint sealer (issue 13): CHECKPOINT_INTERVAL, the signing key, one sealer across processes. */
describe('checkpoint sealer', () => {
  let dataDir: string;
  let db: TestDatabase;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fv-sealer-'));
    db = await createTestDatabase('fv_sealer');
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  it('generates a key into DATA_DIR on the embedded default, says so, and seals once per interval', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, CHECKPOINT_INTERVAL: '1h' });
    expect(config.checkpoints.signingKey).toBeUndefined();
    const store = await PgliteEventStore.open({ dataDir });
    const clock = new FixedClock('2026-12-01T10:00:00Z');
    const { logger, text } = capturedLogger();
    const sealer = new CheckpointSealer(config, clock, logger, store);
    try {
      await store.append(streamName('case'), [newEvent()]);
      await sealer.onApplicationBootstrap();
      const keyFile = join(dataDir, GENERATED_CHECKPOINT_KEY_FILE);
      expect(existsSync(keyFile)).toBe(true);
      expect(text()).toContain(
        `CHECKPOINT_SIGNING_KEY is unset: checkpoints are signed with a key generated into ${keyFile}`,
      );
      expect(text()).not.toContain((await readFile(keyFile, 'utf8')).split('\n')[1]);
      await sealer.onApplicationShutdown(); // lets the first seal, started at boot, finish
      expect(await store.listCheckpoints()).toHaveLength(1);

      clock.set('2026-12-01T10:59:00Z');
      expect(await sealer.sealIfDue()).toBe(false);
      clock.set('2026-12-01T11:00:00Z');
      expect(await sealer.sealIfDue()).toBe(true);
      const [latest] = await store.listCheckpoints();
      expect(latest.sealedAt).toBe('2026-12-01T11:00:00.000Z');
      expect(checkCheckpoint(latest)).toBeNull();
    } finally {
      await sealer.onApplicationShutdown();
      await store.close();
    }
  });

  it('refuses a malformed CHECKPOINT_SIGNING_KEY and CHECKPOINT_INTERVAL at boot, naming the variables', () => {
    expect(() => loadConfig({ CHECKPOINT_SIGNING_KEY: 'not a key', CHECKPOINT_INTERVAL: 'soon' })).toThrow(
      /CHECKPOINT_SIGNING_KEY[\s\S]*CHECKPOINT_INTERVAL|CHECKPOINT_INTERVAL[\s\S]*CHECKPOINT_SIGNING_KEY/,
    );
    expect(() => loadConfig({ CHECKPOINT_SIGNING_KEY: 'not a key' })).not.toThrow(/not a key/);
    const pem = generateSigningKey();
    expect(
      loadConfig({ CHECKPOINT_SIGNING_KEY: pem.replace(/\n/g, '\\n') }).checkpoints.signingKey,
    ).toBeDefined();
  });

  it('seals one checkpoint when several processes try at once', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, CHECKPOINT_SIGNING_KEY: generateSigningKey() });
    const stores = await Promise.all(
      [0, 1, 2].map(() => PostgresEventStore.connect({ connectionString: db.url, poolSize: 2 })),
    );
    try {
      await stores[0].append(streamName('case'), [newEvent()]);
      const clock = new FixedClock('2026-12-01T10:00:00Z');
      const sealers = stores.map(
        (store) => new CheckpointSealer(config, clock, createLogger({ level: 'silent' }), store),
      );
      const sealed = await Promise.all(sealers.map((sealer) => sealer.sealIfDue().catch(() => 'error')));
      // Before sealIfDue can seal, the key must be resolved: onApplicationBootstrap does it, so none sealed yet.
      expect(sealed).toEqual([false, false, false]);
      await Promise.all(sealers.map((sealer) => sealer.onApplicationBootstrap()));
      await Promise.all(sealers.map((sealer) => sealer.onApplicationShutdown()));
      clock.set('2026-12-01T12:00:00Z');
      await Promise.all(sealers.map((sealer) => sealer.sealIfDue()));
      const checkpoints = await stores[0].listCheckpoints();
      expect(checkpoints.map((c) => c.sealedAt)).toEqual([
        '2026-12-01T12:00:00.000Z',
        '2026-12-01T10:00:00.000Z',
      ]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
