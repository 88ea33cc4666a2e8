import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { openEventStore } from './open-event-store';

/** Closes the store once every other module has stopped (subscriptions, projections) on app.close(). */
@Injectable()
class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Provides EVENT_STORE, opened with the adapter the configuration chose. `forConfig` returns the same
 * module for the same Config, so api and worker in one process share one store (one PGlite per folder).
 */
@Module({})
export class EventStoreModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = EventStoreModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: EventStoreModule,
        providers: [
          { provide: EVENT_STORE, useFactory: () => openEventStore(config.eventStore, { service: true }) },
          EventStoreLifecycle,
        ],
        exports: [EVENT_STORE],
      };
      EventStoreModule.modules.set(config, module);
    }
    return module;
  }
}
