import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { AuditChainController } from './audit-chain.controller';

/** Issue 13, point 3: case chain verification and the export of sealed checkpoints (sealed by the worker). */
@Module({})
export class AuditChainModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: AuditChainModule,
      imports: [EventStoreModule.forConfig(config)],
      controllers: [AuditChainController],
    };
  }
}
