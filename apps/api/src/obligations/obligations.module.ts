import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { ReadModelsModule } from '@fristvagt/read-models';
import { ListObligationsHandler, SummarizeObligationsHandler } from './obligation-queries';
import { ObligationsController } from './obligations.controller';

/**
 * GET /v1/obligations and /v1/obligations/summary over the obligations read model. Needs LOGGER from the
 * global modules and the CqrsModule; the read model is built by the worker (in this process or another).
 */
@Module({})
export class ObligationsModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: ObligationsModule,
      imports: [ReadModelsModule.forConfig(config)],
      controllers: [ObligationsController],
      providers: [ListObligationsHandler, SummarizeObligationsHandler],
    };
  }
}
