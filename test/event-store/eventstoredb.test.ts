import { EventStore, EventStoreDbEventStore } from '@fristvagt/event-store';
import { ContractSubject, eventStoreContract, FIXED_NOW } from './contract';

/**
 * EventStoreDB runs when EVENTSTORE_URL points at a server (e.g. `esdb://127.0.0.1:2113?tls=false`). This
 * machine has no Docker engine to start one with testcontainers, so without the variable the suite is
 * reported as skipped, with the reason in its title: it never counts as passed.
 */
const url = process.env.EVENTSTORE_URL;
const describeIfServer = url ? describe : describe.skip;
const title = url
  ? 'EventStoreDB event store contract'
  : 'EventStoreDB event store contract (skipped: EVENTSTORE_URL is not set and no Docker engine is available)';

describeIfServer(title, () => {
  let store: EventStore;
  const open = () => EventStoreDbEventStore.connect(url!, { clock: () => FIXED_NOW });

  beforeAll(async () => {
    store = await open();
  }, 30_000);
  afterAll(async () => {
    await store?.close();
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
    // EventStoreDB has no client-side transactions to hold open; delay between appends instead.
    async appendWithDelayInside(stream, events, delayMs) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await store.append(stream, events);
    },
  };

  eventStoreContract(() => subject);
});
