import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import {
  AssessNotificationOfConcernDto,
  RecordNotificationOfConcernDto,
  RecordPreliminaryAssessmentDto,
  RecordYouthPlanDto,
  StartInvestigationDto,
} from './dto/child-welfare.dto';
import { BareFactDto } from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange, OpaqueIdPipe } from './http';

const notificationId = new OpaqueIdPipe('notificationId');
const investigationId = new OpaqueIdPipe('investigationId');

/**
 * The deadlines of a child's case that municipalities miss most: notifications of concern assessed within
 * 24 hours, investigations completed within 4 months (or a preliminary assessment by then), and youth plans.
 */
@ApiTags('child welfare')
@Controller('v1/cases/:caseId')
export class ChildWelfareController {
  constructor(private readonly gateway: CommandGateway) {}

  @CommandEndpoint(
    'notifications-of-concern',
    'Record a notification of concern (underretning)',
    'Opens UNDERRETNING-ASSESS, due 24 hours after receipt (an instant, not the end of a day).',
  )
  recordNotification(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: RecordNotificationOfConcernDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordNotificationOfConcern',
      occurredAt: body.occurredAt,
      data: { notificationId: body.notificationId },
    });
  }

  @CommandEndpoint(
    'notifications-of-concern/:notificationId/assessment',
    'Record the 24-hour assessment of a notification of concern',
    'Fulfils UNDERRETNING-ASSESS.',
  )
  assessNotification(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('notificationId', notificationId) id: string,
    @Body() body: AssessNotificationOfConcernDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AssessNotificationOfConcern',
      occurredAt: body.occurredAt,
      data: { notificationId: id, acuteMeasuresNeeded: body.acuteMeasuresNeeded, reasoning: body.reasoning },
    });
  }

  @CommandEndpoint(
    'investigations',
    'Record that a child welfare investigation (børnefaglig undersøgelse) started',
    'Opens BFU-COMPLETE, due 4 months later.',
  )
  startInvestigation(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: StartInvestigationDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'StartInvestigation',
      occurredAt: body.occurredAt,
      data: { investigationId: body.investigationId, notificationId: body.notificationId ?? null },
    });
  }

  @CommandEndpoint(
    'investigations/:investigationId/preliminary-assessment',
    'Record the preliminary assessment of an investigation that cannot be completed in 4 months',
    'Fulfils BFU-COMPLETE and opens its follow-up: the investigation stays open until completed.',
  )
  recordPreliminaryAssessment(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('investigationId', investigationId) id: string,
    @Body() body: RecordPreliminaryAssessmentDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordPreliminaryAssessment',
      occurredAt: body.occurredAt,
      data: { investigationId: id, reasoning: body.reasoning },
    });
  }

  @CommandEndpoint(
    'investigations/:investigationId/completion',
    'Record that the investigation was completed',
    'Fulfils the open BFU-COMPLETE obligation of the investigation.',
  )
  completeInvestigation(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('investigationId', investigationId) id: string,
    @Body() body: BareFactDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'CompleteInvestigation',
      occurredAt: body.occurredAt,
      data: { investigationId: id },
    });
  }

  @CommandEndpoint(
    'youth-plans',
    'Record that a youth plan (ungeplan) was made',
    'An action plan of kind youth-plan: fulfils UNGEPLAN.',
  )
  recordYouthPlan(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: RecordYouthPlanDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AdoptPlan',
      occurredAt: body.occurredAt,
      data: { planId: body.planId, kind: 'youth-plan', measureId: body.measureId ?? null },
    });
  }
}
