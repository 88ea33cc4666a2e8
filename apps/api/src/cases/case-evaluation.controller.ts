import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { ApiProblems } from '../problems/problem.dto';
import { GetCaseEvaluation } from './case-evaluation';
import { CaseEvaluation, CaseEvaluationQueryDto } from './dto/case-evaluation.dto';
import { CaseIdPipe } from './http';

/** An auditor's "what if": a case re-evaluated under another rule pack or other municipal settings (issue 13). */
@ApiTags('cases')
@ApiBearerAuth('api-key')
@Controller('v1/cases')
export class CaseEvaluationController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':caseId/evaluation')
  @ApiOperation({
    summary: 'A case re-evaluated under another rule pack or other municipal settings',
    description:
      'Re-derives every obligation of the case from its facts twice, judged at the service clock: the baseline ' +
      "under the current pack, the case's own municipality at each fact and its recorded settings; the compared " +
      'side under `rulePack`, `municipality` (applied to every fact) and `settingsAt` (the settings of that date ' +
      'applied to every fact). Lists what differs, by obligation id: `added` and `removed` (opened on one side ' +
      'only), `moved` (another due) and `changed` (same due; another variant, basis, citation or standing), each ' +
      'with the rule and both sides\u2019 variant, basis, citation and due. Waivers carry over; nothing is stored. ' +
      'Visible like GET /v1/cases/{caseId}; an auditor states a purpose and the read is logged. Roles: every role.',
  })
  @ApiOkResponse({
    type: CaseEvaluation,
    description:
      'The examples are from a contact-person case re-evaluated under dk-youth@2026.1 in a municipality that ' +
      'rolls CP-FOLLOWUP-N forward: the Barnets lov follow-up due on Saturday 22 June 2024 moves to Monday 24 June.',
  })
  @ApiProblems({
    400: 'invalid-case-id, unknown-rule-pack, invalid-municipality, invalid-date, unknown-field, purpose-required, invalid-purpose',
    401: 'unauthenticated, invalid-api-key',
    403: 'municipality-out-of-scope',
    404: 'case-not-found',
  })
  async evaluation(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Query() query: CaseEvaluationQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CaseEvaluation> {
    const evaluation = await this.queryBus.execute(new GetCaseEvaluation(caseId, query, principal));
    response.header('Cache-Control', 'no-store');
    return evaluation;
  }
}
