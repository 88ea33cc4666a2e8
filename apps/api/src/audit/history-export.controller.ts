import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import { GetCaseHistory } from '../cases/case-history';
import type { CaseHistory } from '../cases/dto/case-history.dto';
import { CaseIdPipe } from '../cases/http';
import type { HttpResponse } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { ApiProblems } from '../problems/problem.dto';
import { CaseHistoryCsvQueryDto } from './dto/history-export.dto';
import { historyCsv } from './history-csv';
import { ApiAuditPurpose } from './purpose-header';

/** The history of GET /v1/cases/{caseId}/history as a spreadsheet (issue 13, point 5). */
@ApiTags('cases')
@ApiBearerAuth(API_KEY_SCHEME)
@Controller('v1/cases')
export class HistoryExportController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':caseId/history.csv')
  @ApiProduces('text/csv')
  @ApiAuditPurpose()
  @ApiParam({
    name: 'caseId',
    description: 'The case’s UUID.',
    format: 'uuid',
    example: '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90',
  })
  @ApiOperation({
    summary: 'A case’s history as CSV for Danish spreadsheets',
    description:
      'The same history as GET /v1/cases/{caseId}/history (same `asOf`, `knownAt`, visibility and auditing), ' +
      'as CSV: `;` between cells, CRLF between rows, RFC 4180 quoting, numbers with a decimal comma, and a ' +
      'text cell that starts with = + - @ (a spreadsheet formula) prefixed with an apostrophe. `view=events` ' +
      '(default) gives one row per event with the case state after it, `view=obligations` one row per step of ' +
      'each obligation’s life. `bom=true` begins with a UTF-8 byte-order mark. Roles: every role.',
  })
  @ApiOkResponse({
    description: 'The CSV file (text/csv; charset=utf-8), as an attachment.',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblems({
    400: 'invalid-case-id, invalid-instant, invalid-boolean, invalid-view, purpose-required, invalid-purpose, personal-data-in-purpose, unknown-field, validation-failed',
    401: 'unauthenticated, invalid-api-key',
    404: 'case-not-found',
  })
  async csv(
    @CurrentPrincipal() principal: Principal,
    @Param('caseId', CaseIdPipe) caseId: string,
    @Query() query: CaseHistoryCsvQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    const { bom, view, ...bounds } = query;
    const history: CaseHistory = await this.queryBus.execute(new GetCaseHistory(caseId, bounds, principal));
    response.header('Content-Type', 'text/csv; charset=utf-8');
    response.header('Content-Disposition', `attachment; filename="case-${caseId}-history.csv"`);
    response.header('Cache-Control', 'no-store');
    return historyCsv(history, view ?? 'events', bom === 'true');
  }
}
