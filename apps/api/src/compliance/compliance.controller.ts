import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { ApiReadModelNotReady, lagHeaderDoc, readModelHeaders } from '../obligations/obligations.controller';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { ComplianceReport } from './dto/compliance.dto';
import { ComplianceQueryDto } from './dto/compliance-query.dto';
import { GetCompliance } from './compliance-queries';

/**
 * How a municipality keeps its deadlines, for the supervisors' dashboard: per rule and month the share met on
 * time, and for network councils the days from notification to convocation in seed 003's bins. Counted over
 * the obligations read model, always within the key's municipalities.
 */
@ApiTags('compliance')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('supervisor', 'auditor', 'admin')
@Controller('v1/compliance')
export class ComplianceController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Deadlines met on time, per rule and month, and days to convene network councils',
    description:
      'Per rule, every month from `from` to `to` (Copenhagen months of the due instant; default the last 12 up ' +
      'to the current one) with how the obligations that fell due then stand now, and the share met on time. ' +
      'Obligations without a due are left out. For network councils also the days from receipt of the police ' +
      'documentation to the convocation, for notifications received in the window, in the bins of seed 003 ' +
      '(0-7, 8-14, 15-21, 22-28, 29-35, over 35). `minPosition` waits for a command as in GET /v1/obligations. ' +
      'Roles: supervisor, auditor, admin.',
  })
  @ApiOkResponse({
    type: ComplianceReport,
    description: 'The figures, and how far the read model has read the log (`checkpoint`).',
    headers: lagHeaderDoc('checkpoint.reached'),
  })
  @ApiProblems({
    400: 'invalid-municipality, invalid-month, invalid-range, unknown-rule, invalid-position, invalid-type, out-of-range, too-many-items, unknown-field, validation-failed',
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role, municipality-out-of-scope',
  })
  @ApiReadModelNotReady()
  async get(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ComplianceQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<ComplianceReport> {
    const report = await this.queryBus.execute(new GetCompliance(query, principal));
    readModelHeaders(response, report.checkpoint);
    return report;
  }
}
