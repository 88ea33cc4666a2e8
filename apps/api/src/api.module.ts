import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuditChainModule } from './audit-chain/audit-chain.module';
import { CasesModule } from './cases/cases.module';
import { ComplianceModule } from './compliance/compliance.module';
import { HealthModule } from './health/health.module';
import { ObligationsModule } from './obligations/obligations.module';
import { AccessModule } from './access/access.module';
import { MunicipalitiesModule } from './municipalities/municipalities.module';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { RulesModule } from './rules/rules.module';
import { WebModule } from './web/web.module';

/** The HTTP api: commands from integrations, queries, audit replay, alert stream, the web page's sessions. */
@Module({})
export class ApiModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = ApiModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: ApiModule,
        imports: [
          EventStoreModule.forConfig(config),
          HealthModule.forConfig(config),
          AccessModule.forConfig(config),
          PersonalDataModule.forConfig(config),
          MunicipalitiesModule.forConfig(config),
          CasesModule.forConfig(config),
          ObligationsModule.forConfig(config),
          ComplianceModule.forConfig(config),
          RulesModule,
          AlertsModule.forConfig(config),
          WebModule.forConfig(config),
          AuditModule.forConfig(config),
          AuditChainModule.forConfig(config),
        ],
      };
      ApiModule.modules.set(config, module);
    }
    return module;
  }
}
