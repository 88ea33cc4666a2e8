import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import {
  AftercareDeclinedDto,
  AssessAftercareDto,
  EndAftercareDto,
  GrantAftercareDto,
  RequestAftercareDto,
} from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange, OpaqueIdPipe } from './http';

/** Aftercare (efterværn): assessed before 18, requested, granted or declined, and running until 23 at the latest. */
@ApiTags('aftercare')
@Controller('v1/cases/:caseId/aftercare')
export class AftercareController {
  constructor(private readonly gateway: CommandGateway) {}

  @CommandEndpoint(
    'assessments',
    'Record the aftercare assessment',
    'Fulfils the obligation to assess aftercare before 18.',
  )
  assess(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: AssessAftercareDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'AssessAftercare',
      occurredAt: body.occurredAt,
      data: {
        requestId: body.requestId ?? null,
        offered: body.offered,
        ...(body.content !== undefined && { content: body.content }),
        ...(body.reasoning !== undefined && { reasoning: body.reasoning }),
      },
    });
  }

  @CommandEndpoint('requests', 'Record a request for aftercare', 'Opens the obligation to decide on it.')
  request(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: RequestAftercareDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RequestAftercare',
      occurredAt: body.occurredAt,
      data: { requestId: body.requestId },
    });
  }

  @CommandEndpoint(
    'grants',
    'Record that aftercare was granted',
    'Refused when the aftercare window is closed.',
  )
  grant(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: GrantAftercareDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'GrantAftercare',
      occurredAt: body.occurredAt,
      data: {
        aftercareId: body.aftercareId,
        requestId: body.requestId ?? null,
        startDate: body.startDate,
        ...(body.content !== undefined && { content: body.content }),
      },
    });
  }

  @CommandEndpoint(
    'declines',
    'Record that the youth declined aftercare',
    'Closes the open aftercare obligations.',
  )
  decline(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: AftercareDeclinedDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'RecordAftercareDeclined',
      occurredAt: body.occurredAt,
      data: { requestId: body.requestId ?? null, ...(body.note !== undefined && { note: body.note }) },
    });
  }

  @CommandEndpoint(
    ':aftercareId/end',
    'Record that aftercare ended',
    'Before the 23rd birthday at the latest.',
  )
  end(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('aftercareId', new OpaqueIdPipe('aftercareId')) aftercareId: string,
    @Body() body: EndAftercareDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'EndAftercare',
      occurredAt: body.occurredAt,
      data: { aftercareId, ...(body.reason !== undefined && { reason: body.reason }) },
    });
  }
}
