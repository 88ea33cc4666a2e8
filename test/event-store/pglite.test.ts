import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, PgliteEventStore } from '@fristvagt/event-store';
import { ContractSubject, eventStoreContract, FIXED_NOW } from './contract';

describe('PGlite event store contract', () => {
  let dataDir: string;
  let store: EventStore;

  const open = () => PgliteEventStore.open({ dataDir, clock: () => FIXED_NOW, pollIntervalMs: 10 });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-pglite-'));
    store = await open();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const subject: ContractSubject = {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    // PGlite runs one transaction at a time, so a delay inside one cannot reorder commits; delay around it.
    async appendWithDelayInside(stream, events, delayMs) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await store.append(stream, events);
    },
  };

  eventStoreContract(() => subject);
});
