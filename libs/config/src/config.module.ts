import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from './clock';
import type { Config } from './config';

/** Nest injection token for the validated Config. */
export const CONFIG = Symbol('Config');

/**
 * Makes the Config loaded at start-up and the process's Clock injectable everywhere
 * (`@Inject(CONFIG) config: Config`, `@Inject(CLOCK) clock: Clock`).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config, clock: Clock = systemClock): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [CONFIG, CLOCK],
    };
  }
}
