import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteEventStore } from '@fristvagt/event-store';
import { eventStoreContract, FIXED_NOW, managedSubject } from './contract';

describe('PGlite event store contract', () => {
  let dataDir: string;
  const subject = managedSubject(() =>
    PgliteEventStore.open({ dataDir, clock: () => FIXED_NOW, pollIntervalMs: 10 }),
  );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-pglite-'));
    await subject.start();
  }, 60_000);
  afterAll(async () => {
    await subject.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  eventStoreContract(() => subject);
});
