import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { MunicipalRuleCatalogue } from './municipal-rule-catalogue';
import { MunicipalSettingsController } from './municipal-settings.controller';
import { MunicipalSettingsStore } from './municipal-settings-store';

/**
 * /v1/municipalities/{code}/settings: municipal settings at run time. Global, so that the case commands and
 * the rule catalogue (GET /v1/rules) read the same timelines. Needs CLOCK and CPR_PROTECTOR (idempotency keys are hashed with
 * its key) from the global modules.
 */
@Module({})
export class MunicipalitiesModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: MunicipalitiesModule,
      global: true,
      imports: [EventStoreModule.forConfig(config)],
      controllers: [MunicipalSettingsController],
      providers: [MunicipalSettingsStore, MunicipalRuleCatalogue],
      exports: [MunicipalSettingsStore, MunicipalRuleCatalogue],
    };
  }
}
