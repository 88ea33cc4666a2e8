import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest injection token for the pino Logger (`@Inject(LOGGER) logger: Logger`). */
export const LOGGER = Symbol('Logger');

/** Makes the process's one logger injectable everywhere. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: LOGGER, useValue: logger }], exports: [LOGGER] };
  }
}
