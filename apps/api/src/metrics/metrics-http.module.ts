import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { ReadModelsModule } from '@fristvagt/read-models';
import { MetricSources } from './metric-sources';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';

/**
 * GET /metrics for every role: on the HTTP port (METRICS_TOKEN, or loopback only) and, with METRICS_PORT, on a
 * port of its own. The Metrics themselves come from MetricsModule (global, one per app).
 */
@Module({})
export class MetricsHttpModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: MetricsHttpModule,
      imports: [EventStoreModule.forConfig(config), ReadModelsModule.forConfig(config)],
      controllers: [MetricsController],
      providers: [MetricSources, MetricsServer],
      exports: [MetricsServer],
    };
  }
}
