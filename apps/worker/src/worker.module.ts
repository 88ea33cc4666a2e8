import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { SCHEDULER_HEALTH, schedulerAdapter, type SchedulerHealthIndicator } from './scheduler-health';
import { WorkerHealth } from './worker-health';

/**
 * The worker: projections, deadline wake-ups and alert delivery, none of them HTTP. It serves only
 * /health, and only when it runs alone (FRISTVAGT_ROLE=worker); with the api it shares its HTTP server.
 */
@Module({})
export class WorkerModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = WorkerModule.modules.get(config);
    if (module === undefined) {
      const noScheduler: SchedulerHealthIndicator = {
        health: async () => ({
          adapter: schedulerAdapter(config),
          status: 'not-running',
          detail: 'no scheduler is registered in the worker',
        }),
      };
      module = {
        module: WorkerModule,
        imports: [EventStoreModule.forConfig(config)],
        providers: [WorkerHealth, { provide: SCHEDULER_HEALTH, useValue: noScheduler }],
        exports: [WorkerHealth, SCHEDULER_HEALTH],
      };
      WorkerModule.modules.set(config, module);
    }
    return module;
  }
}
