import type { Config } from '@fristvagt/config';
// The file, not the package index: the CLI needs no Nest module.
import { openEventStore } from '@fristvagt/event-store-nest/open-event-store';
import type { ApiKeyStore } from './api-key-store';
import { EventStoreApiKeyStore } from './event-store-api-key-store';
import { FileApiKeyStore } from './file-api-key-store';

export interface OpenedApiKeyStore {
  readonly store: ApiKeyStore;
  /** Where the keys are, without credentials (for messages). */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * The key store a process outside the server (the CLI) uses, chosen exactly as AccessModule chooses it:
 * the event store on PostgreSQL or EventStoreDB, else the key file in DATA_DIR (never PGlite itself,
 * which the running server holds open).
 */
export async function openApiKeyStore(config: Config): Promise<OpenedApiKeyStore> {
  if (config.eventStore.adapter === 'pglite') {
    const store = FileApiKeyStore.inDataDir(config.dataDir);
    return { store, location: store.path, close: async () => undefined };
  }
  const eventStore = await openEventStore(config.eventStore);
  const health = await eventStore.health();
  return {
    store: new EventStoreApiKeyStore(eventStore),
    location: `${health.adapter} ${health.location}`,
    close: () => eventStore.close(),
  };
}
