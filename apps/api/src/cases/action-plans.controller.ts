import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { PlanScopeInput } from '@fristvagt/domain';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import { AdoptPlanDto, AssessPlanRevisionDto, type PlanScopeDto, RevisePlanDto } from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange } from './http';

function scope(body: PlanScopeDto): PlanScopeInput {
  return {
    councilId: body.councilId ?? null,
    documentationId: body.documentationId ?? null,
    measureId: body.measureId ?? null,
  };
}

/** Action plans (handleplaner): adoption, revision and the assessment whether a revision is needed. */
@ApiTags('action plans')
@Controller('v1/cases/:caseId/action-plans')
export class ActionPlansController {
  constructor(private readonly gateway: CommandGateway) {}

  @CommandEndpoint(
    '',
    'Record that an action plan was adopted',
    'Fulfils plan obligations opened by the council or a measure.',
  )
  adopt(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: AdoptPlanDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AdoptPlan',
      occurredAt: body.occurredAt,
      data: { planId: body.planId, ...(body.kind !== undefined && { kind: body.kind }), ...scope(body) },
    });
  }

  @CommandEndpoint(
    'revisions',
    'Record that an action plan was revised',
    'With the occasion for the revision.',
  )
  revise(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: RevisePlanDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RevisePlan',
      occurredAt: body.occurredAt,
      data: { planId: body.planId, reason: body.reason, ...scope(body) },
    });
  }

  @CommandEndpoint(
    'revision-assessments',
    'Record the assessment whether the plan must be revised',
    'Fulfils the obligation to assess a revision after a follow-up or a re-offence.',
  )
  assessRevision(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: AssessPlanRevisionDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AssessPlanRevision',
      occurredAt: body.occurredAt,
      data: {
        planId: body.planId ?? null,
        occasion: body.occasion,
        outcome: body.outcome,
        reasoning: body.reasoning,
        ...scope(body),
      },
    });
  }
}
