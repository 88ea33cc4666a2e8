import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { type Clock, type Config, ConfigModule, offsetClock } from '@fristvagt/config';
import { type Logger, LoggingModule } from '@fristvagt/logging';
import { MetricsModule } from '@fristvagt/metrics';
import { WorkerModule } from '../../worker/src';
import { ApiModule } from './api.module';
import { HealthModule } from './health/health.module';
import { MetricsHttpModule } from './metrics/metrics-http.module';
import { InputValidationPipe } from './problems/input-validation';
import { ProblemDetailsFilter } from './problems/problem-details.filter';
import { fristvagtVersion } from './version';

/**
 * The root module of one process, composed by role: `all` runs api and worker together (sharing one
 * event store), `api` the api alone, `worker` the worker with nothing but /health over HTTP.
 */
@Module({})
export class AppModule {
  static forConfig(config: Config, logger: Logger, clock?: Clock): DynamicModule {
    const parts =
      config.role === 'all'
        ? [ApiModule.forConfig(config), WorkerModule.forConfig(config)]
        : config.role === 'api'
          ? [ApiModule.forConfig(config)]
          : [WorkerModule.forConfig(config), HealthModule.forConfig(config)];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock ?? offsetClock(config.clockOffsetMs)),
        LoggingModule.forRoot(logger),
        CqrsModule.forRoot(),
        MetricsModule.forRoot(config, { info: { version: fristvagtVersion(), role: config.role } }),
        ...parts,
        MetricsHttpModule.forConfig(config),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: InputValidationPipe },
      ],
    };
  }
}
