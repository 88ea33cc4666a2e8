import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { instrumentEventStore, metricsOf } from '@fristvagt/metrics';
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
          {
            provide: EVENT_STORE,
            // With the app's Metrics (MetricsModule), appends and store failures are counted. Found by the
            // config rather than injected, so that opening the store starts first, as before.
            useFactory: async () => {
              const store = await openEventStore(config.eventStore, { service: true });
              const metrics = metricsOf(config);
              return metrics === undefined ? store : instrumentEventStore(store, metrics);
            },
          },
          EventStoreLifecycle,
        ],
        exports: [EVENT_STORE],
      };
      EventStoreModule.modules.set(config, module);
    }
    return module;
  }
}
