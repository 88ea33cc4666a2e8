import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Config, ReadModelConfig } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, SqlEventStore } from '@fristvagt/event-store';
import { EventStoreModule, EventStoreStartupError } from '@fristvagt/event-store-nest';
import { ObligationsReadModel } from './obligations-read-model';
import { obligationsProjection } from './obligations.projection';
import {
  openPostgresReadModels,
  ownPgliteReadModels,
  type ReadModelDatabase,
  sharedPgliteReadModels,
} from './read-model-database';
import { ensureRegistry } from './registry';

/** Nest injection token for the ReadModelDatabase. */
export const READ_MODEL_DATABASE = Symbol('ReadModelDatabase');

/** Every projection this version of Fristvagt runs. */
export const PROJECTIONS = [obligationsProjection] as const;

/** Opens where the configuration keeps read models (see ReadModelConfig) and registers every projection. */
export async function openReadModels(config: ReadModelConfig, store: EventStore): Promise<ReadModelDatabase> {
  let db: ReadModelDatabase;
  try {
    if (config.adapter === 'postgres') db = await openPostgresReadModels(config.url);
    else if (config.sharedWithEventStore && store instanceof SqlEventStore)
      db = sharedPgliteReadModels(store.sqlDriver());
    else db = await ownPgliteReadModels(config.dataDir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new EventStoreStartupError(config.variable, `cannot open the read-model database (${reason})`, {
      cause: error,
    });
  }
  for (const projection of PROJECTIONS) await ensureRegistry(db, projection.name);
  return db;
}

@Injectable()
class ReadModelsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_DATABASE) private readonly db: ReadModelDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Provides READ_MODEL_DATABASE and the read models' query services. `forConfig` returns the same module for
 * the same Config, so api and worker in one process share one database handle (and one PGlite).
 */
@Module({})
export class ReadModelsModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = ReadModelsModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: ReadModelsModule,
        imports: [EventStoreModule.forConfig(config)],
        providers: [
          {
            provide: READ_MODEL_DATABASE,
            useFactory: (store: EventStore) => openReadModels(config.readModels, store),
            inject: [EVENT_STORE],
          },
          {
            provide: ObligationsReadModel,
            useFactory: (db: ReadModelDatabase) => new ObligationsReadModel(db),
            inject: [READ_MODEL_DATABASE],
          },
          ReadModelsLifecycle,
        ],
        exports: [READ_MODEL_DATABASE, ObligationsReadModel],
      };
      ReadModelsModule.modules.set(config, module);
    }
    return module;
  }
}
