import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Config } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { AccessGuard } from './access.guard';
import { API_KEY_STORE } from './api-key-store';
import { EventStoreApiKeyStore } from './event-store-api-key-store';
import { FileApiKeyStore } from './file-api-key-store';

/**
 * API keys and the global AccessGuard. Keys live in the event store on PostgreSQL and EventStoreDB, and
 * in DATA_DIR/api-keys.json on embedded PGlite, because PGlite admits one process and the `keys` CLI
 * runs beside the server. Provides API_KEY_STORE everywhere.
 */
@Global()
@Module({})
export class AccessModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = AccessModule.modules.get(config);
    if (module === undefined) {
      const embedded = config.eventStore.adapter === 'pglite';
      const keyStore: Provider = embedded
        ? { provide: API_KEY_STORE, useValue: FileApiKeyStore.inDataDir(config.dataDir) }
        : {
            provide: API_KEY_STORE,
            inject: [EVENT_STORE],
            useFactory: (store: EventStore) => new EventStoreApiKeyStore(store),
          };
      module = {
        module: AccessModule,
        imports: embedded ? [] : [EventStoreModule.forConfig(config)],
        providers: [keyStore, { provide: APP_GUARD, useClass: AccessGuard }],
        exports: [API_KEY_STORE],
      };
      AccessModule.modules.set(config, module);
    }
    return module;
  }
}
