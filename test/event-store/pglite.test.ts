import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteEventStore } from '@fristvagt/event-store';
import { newEvent, streamName } from '../support/events';
import {
  eventStoreContract,
  FIXED_NOW,
  managedSubject,
  readAllEachContract,
  readStreamsContract,
} from './contract';

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
  readAllEachContract(() => subject);
  readStreamsContract(() => subject);

  it('shows an append to readAll as soon as it has answered', async () => {
    const store = subject.store as PgliteEventStore;
    const event = newEvent('Visible');
    await store.append(streamName(), [event]);
    const all = await store.readAll({ maxCount: 1_000_000 });
    expect(all[all.length - 1].id).toBe(event.id);
  });
});
