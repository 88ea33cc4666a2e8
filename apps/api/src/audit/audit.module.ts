import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { AccessLogController } from './access-log.controller';
import { AccessLogQueries } from './access-log-queries';
import { AuditorPurposeInterceptor } from './auditor-purpose.interceptor';
import { HistoryExportController } from './history-export.controller';

/**
 * Issue 13 for auditors: the purpose every auditor read states, recorded as events before it is answered
 * (AuditorPurposeInterceptor, global), the admins' listing of that log, and the history as CSV. Needs CLOCK
 * from the global config module and the CqrsModule's QueryBus (the history query lives in CasesModule).
 */
@Module({})
export class AuditModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: AuditModule,
      imports: [EventStoreModule.forConfig(config)],
      controllers: [AccessLogController, HistoryExportController],
      providers: [AccessLogQueries, { provide: APP_INTERCEPTOR, useClass: AuditorPurposeInterceptor }],
    };
  }
}
