import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import {
  BareFactDto,
  DecideContactPersonDto,
  EndContactPersonDto,
  RecordFollowUpDto,
  StatusStatementDto,
} from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange, OpaqueIdPipe } from './http';

const measureId = new OpaqueIdPipe('measureId');

/** Contact-person measures: the decision, the start, follow-ups after 3 months and then half-yearly, the end. */
@ApiTags('contact person')
@Controller('v1/cases/:caseId/contact-person')
export class ContactPersonController {
  constructor(private readonly gateway: CommandGateway) {}

  @CommandEndpoint(
    'decisions',
    'Record the decision to grant a contact person',
    'Opens the plan obligation where a plan is required.',
  )
  decide(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: DecideContactPersonDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'DecideContactPerson',
      occurredAt: body.occurredAt,
      data: {
        measureId: body.measureId,
        ...(body.planRequired !== undefined && { planRequired: body.planRequired }),
      },
    });
  }

  @CommandEndpoint(
    ':measureId/start',
    'Record that the contact person started',
    'Opens the first follow-up, due after 3 months.',
  )
  start(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('measureId', measureId) id: string,
    @Body() body: BareFactDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'StartContactPerson',
      occurredAt: body.occurredAt,
      data: { measureId: id },
    });
  }

  @CommandEndpoint(
    ':measureId/follow-ups',
    'Record a follow-up',
    'Fulfils the follow-up due and opens the next one.',
  )
  followUp(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('measureId', measureId) id: string,
    @Body() body: RecordFollowUpDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordFollowUp',
      occurredAt: body.occurredAt,
      data: { measureId: id, nextIntervalMonths: body.nextIntervalMonths ?? null },
    });
  }

  @CommandEndpoint(
    ':measureId/status-statements',
    "Record the youth's own statement",
    "In the youth's own words.",
  )
  statusStatement(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('measureId', measureId) id: string,
    @Body() body: StatusStatementDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'SubmitStatusStatement',
      occurredAt: body.occurredAt,
      data: { measureId: id, youthOwnWords: body.youthOwnWords },
    });
  }

  @CommandEndpoint(':measureId/end', 'Record that the contact person ended', 'Cancels the open follow-ups.')
  end(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('measureId', measureId) id: string,
    @Body() body: EndContactPersonDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'EndContactPerson',
      occurredAt: body.occurredAt,
      data: { measureId: id, reason: body.reason, ...(body.note !== undefined && { note: body.note }) },
    });
  }
}
