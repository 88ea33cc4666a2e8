import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CouncilPerson } from '@fristvagt/domain';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import {
  ConveneCouncilDto,
  type CouncilPersonDto,
  CouncilFollowUpDto,
  CouncilHeldDto,
  CouncilNotHeldDto,
  PoliceNotificationDto,
  TargetGroupAssessmentDto,
} from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange, OpaqueIdPipe } from './http';

/** People at a council as the domain records them: a role, and a description only when one was given. */
function councilPeople(people: readonly CouncilPersonDto[]): CouncilPerson[] {
  return people.map(({ role, description }) => ({ role, ...(description !== undefined && { description }) }));
}

/** Police documentation of suspected serious crime, and the network council it obliges. */
@ApiTags('network council')
@Controller('v1/cases/:caseId')
export class NetworkCouncilController {
  constructor(private readonly gateway: CommandGateway) {}

  @CommandEndpoint(
    'police-notifications',
    'Record police documentation of suspected serious crime',
    'Opens the obligation to convene a network council within 7 days of receipt (NSR-CONVENE) when the youth ' +
      'is under 18; the response shows the deadline.',
  )
  recordPoliceNotification(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: PoliceNotificationDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordPoliceDocumentation',
      occurredAt: body.occurredAt,
      data: {
        documentationId: body.documentationId,
        kind: body.kind,
        offenceCategories: body.offenceCategories,
      },
    });
  }

  @CommandEndpoint(
    'police-notifications/:documentationId/target-group-assessments',
    'Record whether the youth is in the target group',
    'An assessment that the youth is outside the target group cancels the convening obligation.',
  )
  assessTargetGroup(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('documentationId', new OpaqueIdPipe('documentationId')) documentationId: string,
    @Body() body: TargetGroupAssessmentDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AssessTargetGroup',
      occurredAt: body.occurredAt,
      data: { documentationId, inTargetGroup: body.inTargetGroup, reasoning: body.reasoning },
    });
  }

  @CommandEndpoint(
    'network-council/convocations',
    'Record that a network council was convened',
    'Fulfils the convening obligation when sent in time; opens the obligation to hold the meeting.',
  )
  convene(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: ConveneCouncilDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'ConveneCouncil',
      occurredAt: body.occurredAt,
      data: {
        councilId: body.councilId,
        documentationId: body.documentationId ?? null,
        invitees: councilPeople(body.invitees),
        meetingDate: body.meetingDate,
      },
    });
  }

  @CommandEndpoint(
    'network-council/:councilId/held',
    'Record that the network council was held',
    'With participants (by role) and agreements.',
  )
  held(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('councilId', new OpaqueIdPipe('councilId')) councilId: string,
    @Body() body: CouncilHeldDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordCouncilHeld',
      occurredAt: body.occurredAt,
      data: {
        councilId,
        participants: councilPeople(body.participants),
        agreements: body.agreements,
      },
    });
  }

  @CommandEndpoint(
    'network-council/:councilId/not-held',
    'Record that the network council was not held',
    'With the reason.',
  )
  notHeld(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('councilId', new OpaqueIdPipe('councilId')) councilId: string,
    @Body() body: CouncilNotHeldDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordCouncilNotHeld',
      occurredAt: body.occurredAt,
      data: { councilId, reason: body.reason, ...(body.note !== undefined && { note: body.note }) },
    });
  }

  @CommandEndpoint(
    'network-council/:councilId/follow-ups',
    'Record the follow-up on a network council',
    'Fulfils the follow-up obligation.',
  )
  followUp(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('councilId', new OpaqueIdPipe('councilId')) councilId: string,
    @Body() body: CouncilFollowUpDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordCouncilFollowUp',
      occurredAt: body.occurredAt,
      data: { councilId, ...(body.note !== undefined && { note: body.note }) },
    });
  }
}
