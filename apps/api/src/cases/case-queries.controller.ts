import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { ApiProblems } from '../problems/problem.dto';
import { GetCaseHistory } from './case-history';
import { FindCasesByCpr, GetCase } from './case-queries';
import { CaseHistory, CaseHistoryQueryDto } from './dto/case-history.dto';
import { CaseLookupResult, CaseView } from './dto/case.dto';
import { CaseLookupDto } from './dto/command.dto';
import { CaseIdPipe } from './http';

/** Reading cases: by id, or by CPR number (in the body, never in a URL). Every role may read within its scope. */
@ApiTags('cases')
@ApiBearerAuth('api-key')
@Controller('v1/cases')
export class CaseQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Post('lookup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Find a person's cases by CPR number",
    description:
      'The CPR number goes in the body so it never appears in URLs or access logs. Only cases within the ' +
      "API key's municipalities are listed.",
  })
  @ApiOkResponse({ type: CaseLookupResult })
  @ApiUnauthorizedResponse({ description: 'Missing or unknown API key.' })
  lookup(@CurrentPrincipal() principal: Principal, @Body() body: CaseLookupDto): Promise<CaseLookupResult> {
    return this.queryBus.execute(new FindCasesByCpr(body.cpr, principal));
  }

  @Get(':caseId')
  @ApiOperation({
    summary: 'A case with its open and closed obligations',
    description: 'The ETag header is the case revision: send it as If-Match with the next command.',
  })
  @ApiOkResponse({ type: CaseView })
  @ApiNotFoundResponse({ description: "No such case within the API key's municipalities." })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CaseView> {
    const view = await this.queryBus.execute(new GetCase(caseId, principal));
    response.header('ETag', `"${view.revision}"`);
    response.header('Cache-Control', 'no-store');
    return view;
  }

  @Get(':caseId/history')
  @ApiOperation({
    summary: 'A case’s events and the life of each obligation, as known at a moment',
    description:
      'Every event of the case by revision, with business time (`occurredAt`), record time (`recordedAt`) and ' +
      'actor, its data without personal data; and each obligation’s life: opened, warned, breached, ' +
      'fulfilled (on time or late), cancelled, waived, with who did it. `knownAt` leaves out what was recorded ' +
      'after it (the case as Fristvagt knew it then); `asOf` leaves out what occurred after it. Visible like ' +
      'GET /v1/cases/{caseId}; an auditor’s read is logged. Roles: every role.',
  })
  @ApiOkResponse({ type: CaseHistory })
  @ApiProblems({
    400: 'invalid-case-id, invalid-instant, unknown-field, validation-failed',
    401: 'unauthenticated, invalid-api-key',
    404: 'case-not-found',
  })
  async history(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Query() query: CaseHistoryQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<CaseHistory> {
    const history = await this.queryBus.execute(new GetCaseHistory(caseId, query, principal));
    response.header('Cache-Control', 'no-store');
    return history;
  }
}
