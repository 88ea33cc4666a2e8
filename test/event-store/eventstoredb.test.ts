import { EventStoreDbEventStore } from '@fristvagt/event-store';
import { eventStoreContract, FIXED_NOW, managedSubject } from './contract';

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
  const subject = managedSubject(() => EventStoreDbEventStore.connect(url!, { clock: () => FIXED_NOW }));

  beforeAll(() => subject.start(), 30_000);
  afterAll(() => subject.stop());

  eventStoreContract(() => subject);
});
