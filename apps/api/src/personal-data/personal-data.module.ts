import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { AesGcmCprProtector } from './aes-gcm-cpr-protector';
import { CPR_PROTECTOR } from './cpr-protector';
import { resolveCprKeys } from './cpr-keys';

/**
 * Provides CPR_PROTECTOR everywhere (`@Inject(CPR_PROTECTOR) cpr: CprProtector`), keyed from
 * CPR_ENCRYPTION_KEYS and CPR_LOOKUP_KEY, or from development keys in DATA_DIR outside production.
 */
@Global()
@Module({})
export class PersonalDataModule {
  private static readonly modules = new WeakMap<Config, DynamicModule>();

  static forConfig(config: Config): DynamicModule {
    let module = PersonalDataModule.modules.get(config);
    if (module === undefined) {
      module = {
        module: PersonalDataModule,
        providers: [
          {
            provide: CPR_PROTECTOR,
            inject: [{ token: LOGGER, optional: true }],
            useFactory: async (logger?: Logger) =>
              new AesGcmCprProtector(await resolveCprKeys(config, logger)),
          },
        ],
        exports: [CPR_PROTECTOR],
      };
      PersonalDataModule.modules.set(config, module);
    }
    return module;
  }
}
