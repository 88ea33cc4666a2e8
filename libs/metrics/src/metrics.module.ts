import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Metrics, type MetricsOptions } from './metrics';

/** Nest injection token for the process's Metrics (`@Inject(METRICS) metrics: Metrics`). */
export const METRICS = Symbol('Metrics');

const appMetrics = new WeakMap<object, Metrics>();

/**
 * The Metrics of the app built for this configuration object (MetricsModule.forRoot), if any. For factories
 * that must not wait for an injected provider: the event store's is the first to fail at start-up with a
 * bad DATA_DIR or DATABASE_URL, and its error is the one to report.
 */
export function metricsOf(config: object): Metrics | undefined {
  return appMetrics.get(config);
}

/**
 * Makes one Metrics per app injectable everywhere. Optional for its users (`@Optional() @Inject(METRICS)`),
 * so that a module tested alone, or the CLI, runs without it.
 */
@Global()
@Module({})
export class MetricsModule {
  /** `config`: the app's configuration object, which `metricsOf` finds these Metrics by. */
  static forRoot(config: object, options: MetricsOptions = {}): DynamicModule {
    let metrics = appMetrics.get(config);
    if (metrics === undefined) {
      metrics = new Metrics(options);
      appMetrics.set(config, metrics);
    }
    return {
      module: MetricsModule,
      providers: [{ provide: METRICS, useValue: metrics }],
      exports: [METRICS],
    };
  }
}
