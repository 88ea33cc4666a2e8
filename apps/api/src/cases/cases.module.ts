import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@fristvagt/config';
import { EventStoreModule } from '@fristvagt/event-store-nest';
import { ActionPlansController } from './action-plans.controller';
import { AftercareController } from './aftercare.controller';
import { CaseCommandsController } from './case-commands.controller';
import { CaseDirectory } from './case-directory';
import { CaseEvaluationController } from './case-evaluation.controller';
import { GetCaseEvaluationHandler } from './case-evaluation';
import { GetCaseHistoryHandler } from './case-history';
import { FindCasesByCprHandler, GetCaseHandler } from './case-queries';
import { CaseQueriesController } from './case-queries.controller';
import { ChildWelfareController } from './child-welfare.controller';
import { CommandGateway } from './command-gateway';
import { ContactPersonController } from './contact-person.controller';
import { ExecuteCaseCommandHandler } from './execute-case-command';
import { NetworkCouncilController } from './network-council.controller';
import { YouthHistories } from './youth-histories';

/**
 * Cases over HTTP: one controller per workflow for the commands, one for reading. Needs CPR_PROTECTOR,
 * CLOCK and LOGGER from the global modules, and the CqrsModule.
 */
@Module({})
export class CasesModule {
  static forConfig(config: Config): DynamicModule {
    return {
      module: CasesModule,
      imports: [EventStoreModule.forConfig(config)],
      controllers: [
        CaseQueriesController,
        CaseEvaluationController,
        CaseCommandsController,
        NetworkCouncilController,
        ActionPlansController,
        ContactPersonController,
        AftercareController,
        ChildWelfareController,
      ],
      providers: [
        CommandGateway,
        ExecuteCaseCommandHandler,
        GetCaseHandler,
        GetCaseHistoryHandler,
        GetCaseEvaluationHandler,
        FindCasesByCprHandler,
        CaseDirectory,
        YouthHistories,
      ],
    };
  }
}
