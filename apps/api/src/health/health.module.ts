import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { ReadModelsModule } from '@fristvagt/read-models';
import { WorkerModule } from '../../../worker/src';
import { HealthController } from './health.controller';

/** GET /health. Reports on the worker too when the worker runs in this process (role `all` or `worker`). */
@Module({})
export class HealthModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = HealthModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: HealthModule,
        imports: [
          EventStoreModule.forConfig(config),
          ReadModelsModule.forConfig(config),
          ...(config.role === 'api' ? [] : [WorkerModule.forConfig(config)]),
        ],
        controllers: [HealthController],
      };
      HealthModule.modules.set(config, module);
    }
    return module;
  }
}
