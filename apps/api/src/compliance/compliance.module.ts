import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { ComplianceReadModel, type ReadModelDatabase } from '@fristvagt/projections';
import { READ_MODEL_DATABASE, ReadModelsModule } from '@fristvagt/read-models';
import { GetComplianceHandler } from './compliance-queries';
import { ComplianceReports } from './compliance-report';
import { ComplianceReportController } from './compliance-report.controller';
import { ComplianceController } from './compliance.controller';

/**
 * GET /v1/compliance over the obligations read model. Needs CLOCK and LOGGER from the global modules and the
 * CqrsModule; the read model is built by the worker (in this process or another).
 */
@Module({})
export class ComplianceModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: ComplianceModule,
      imports: [ReadModelsModule.forConfig(config), EventStoreModule.forConfig(config)],
      controllers: [ComplianceController, ComplianceReportController],
      providers: [
        {
          provide: ComplianceReadModel,
          useFactory: (db: ReadModelDatabase) => new ComplianceReadModel(db),
          inject: [READ_MODEL_DATABASE],
        },
        GetComplianceHandler,
        ComplianceReports,
      ],
    };
  }
}
