import { Body, Controller, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { parseCpr } from '@fristvagt/domain';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { Inject } from '@nestjs/common';
import { CommandGateway } from './command-gateway';
import { CommandEndpoint } from './commands.decorators';
import {
  EndPlacementDto,
  OpenCaseDto,
  StartPlacementDto,
  TransferCaseDto,
  WaiveObligationDto,
} from './dto/command.dto';
import type { CommandOutcome } from './dto/outcome.dto';
import { CaseIdPipe, type CommandExchange, Exchange, ObligationIdPipe, OpaqueIdPipe } from './http';

/** The case itself: opening, placements, transfer between municipalities, and waivers of obligations. */
@ApiTags('cases')
@Controller('v1/cases')
export class CaseCommandsController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(CPR_PROTECTOR) private readonly protector: CprProtector,
  ) {}

  @CommandEndpoint(
    '',
    'Open a case for a youth',
    'The case id is assigned by Fristvagt (see `Location` and `caseId`); a retry with the same Idempotency-Key ' +
      'returns the same case. The CPR number is encrypted before it is stored; the birth date it encodes ' +
      'drives the age rules.',
  )
  openCase(@Exchange() exchange: CommandExchange, @Body() body: OpenCaseDto): Promise<CommandOutcome> {
    const parsed = parseCpr(body.cpr);
    // The DTO has already refused malformed and impossible numbers, so this cannot fail.
    if (!parsed.ok) throw new Error('CPR number passed validation but does not parse');
    const caseId = this.gateway.caseIdFor(exchange);
    return this.gateway.execute(exchange, caseId, {
      type: 'OpenCase',
      occurredAt: body.occurredAt,
      data: {
        caseId,
        municipality: body.municipality,
        birthDate: parsed.value.birthDate,
        person: this.protector.protect(parsed.value.normalized),
      },
    });
  }

  @CommandEndpoint(
    ':caseId/placements',
    'Record that a placement started',
    'A placement before 18 makes the youth eligible for aftercare.',
  )
  startPlacement(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: StartPlacementDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'StartPlacement',
      occurredAt: body.occurredAt,
      data: { placementId: body.placementId },
    });
  }

  @CommandEndpoint(
    ':caseId/placements/:placementId/end',
    'Record that a placement ended',
    'Ending the placement.',
  )
  endPlacement(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('placementId', new OpaqueIdPipe('placementId')) placementId: string,
    @Body() body: EndPlacementDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'EndPlacement',
      occurredAt: body.occurredAt,
      data: { placementId, reason: body.reason ?? null },
    });
  }

  @CommandEndpoint(
    ':caseId/transfers',
    'Transfer the case to another municipality',
    "From then on the case follows the receiving municipality's rules; keys of the sending municipality lose access.",
  )
  transfer(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Body() body: TransferCaseDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'TransferCase',
      occurredAt: body.occurredAt,
      data: { toMunicipality: body.toMunicipality },
    });
  }

  @CommandEndpoint(
    ':caseId/obligations/:obligationId/waivers',
    'Waive an obligation',
    'A supervisor releases the municipality from one obligation, with a written justification.',
    ['supervisor'],
  )
  waive(
    @Exchange() exchange: CommandExchange,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Param('obligationId', ObligationIdPipe) obligationId: string,
    @Body() body: WaiveObligationDto,
  ): Promise<CommandOutcome> {
    return this.gateway.execute(exchange, caseId, {
      type: 'WaiveObligation',
      occurredAt: body.occurredAt,
      data: {
        obligationId,
        by: { actorId: exchange.principal.keyId, role: 'supervisor' },
        justification: body.justification,
      },
    });
  }
}
