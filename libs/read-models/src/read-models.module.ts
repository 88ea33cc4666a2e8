import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Config, ReadModelConfig } from '@fristvagt/config';
import { EVENT_STORE, type EventStore, SqlEventStore } from '@fristvagt/event-store';
import { EventStoreModule, EventStoreStartupError } from '@fristvagt/event-store-nest';
import { AlertsReadModel, alertsProjection } from '@fristvagt/alerts';
import {
  ensureRegistry,
  ObligationsReadModel,
  obligationsProjection,
  openPostgresReadModels,
  ownPgliteReadModels,
  type Projection,
  type ReadModelDatabase,
  sharedPgliteReadModels,
} from '@fristvagt/projections';

/** Nest injection token for the ReadModelDatabase. */
export const READ_MODEL_DATABASE = Symbol('ReadModelDatabase');

/** Nest injection token for the list of every projection (`projectionsFor`). */
export const PROJECTIONS = Symbol('Projections');

/** The names of every projection this version of Fristvagt runs, in the order they are listed. */
export const PROJECTION_NAMES = ['obligations', 'alerts'] as const;

/** Every projection this version of Fristvagt runs, as configured. */
export function projectionsFor(config: Pick<Config, 'alerts'>): Projection[] {
  return [obligationsProjection, alertsProjection({ publicUrl: config.alerts.publicUrl })];
}

/** Opens where the configuration keeps read models (see ReadModelConfig) and registers every projection. */
export async function openReadModels(
  config: Pick<Config, 'readModels' | 'alerts'>,
  store: EventStore,
): Promise<ReadModelDatabase> {
  return openReadModelDatabase(config.readModels, store, projectionsFor(config));
}

async function openReadModelDatabase(
  config: ReadModelConfig,
  store: EventStore,
  projections: readonly Projection[],
): Promise<ReadModelDatabase> {
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
  for (const projection of projections) await ensureRegistry(db, projection.name);
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
      const projections = projectionsFor(config);
      module = {
        module: ReadModelsModule,
        imports: [EventStoreModule.forConfig(config)],
        providers: [
          { provide: PROJECTIONS, useValue: projections },
          {
            provide: READ_MODEL_DATABASE,
            useFactory: (store: EventStore) => openReadModelDatabase(config.readModels, store, projections),
            inject: [EVENT_STORE],
          },
          {
            provide: ObligationsReadModel,
            useFactory: (db: ReadModelDatabase) => new ObligationsReadModel(db),
            inject: [READ_MODEL_DATABASE],
          },
          {
            provide: AlertsReadModel,
            useFactory: (db: ReadModelDatabase) => new AlertsReadModel(db, projections[1]),
            inject: [READ_MODEL_DATABASE],
          },
          ReadModelsLifecycle,
        ],
        exports: [PROJECTIONS, READ_MODEL_DATABASE, ObligationsReadModel, AlertsReadModel],
      };
      ReadModelsModule.modules.set(config, module);
    }
    return module;
  }
}
