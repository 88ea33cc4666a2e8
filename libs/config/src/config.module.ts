import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Config } from './config';

/** Nest injection token for the validated Config. */
export const CONFIG = Symbol('Config');

/** Makes the Config loaded at start-up injectable everywhere (`@Inject(CONFIG) config: Config`). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
