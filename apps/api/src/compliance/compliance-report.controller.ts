import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { ApiAuditPurpose } from '../audit/purpose-header';
import { ApiProblems } from '../problems/problem.dto';
import { ComplianceReports, complianceReportCsv } from './compliance-report';
import { ComplianceReportDto, ComplianceReportQueryDto } from './dto/compliance-report.dto';

const DESCRIPTION =
  'Per rule, the obligations triggered from `from` to `to` (Copenhagen dates of the triggering fact; default ' +
  'the last 365 days) and how each stands now: fulfilled on time, fulfilled late, breached and still open, ' +
  'open and not yet due, waived, cancelled; the share on time; the median and 90th percentile of days from ' +
  'trigger to fulfilment. For network councils the days from notification to convocation and to the council ' +
  'held in seed 003’s bins, and the reasons councils were not held. Counting rules: docs/audit.md. Roles: ' +
  'supervisor, auditor, admin, within the key’s municipalities.';

const PROBLEMS = {
  400: 'invalid-municipality, invalid-date, invalid-range, unknown-rule, invalid-boolean, invalid-table, purpose-required, invalid-purpose, personal-data-in-purpose, unknown-field, validation-failed',
  401: 'unauthenticated, invalid-api-key',
  403: 'forbidden-role, municipality-out-of-scope',
};

const wantsCsv = (accept: string | undefined) =>
  accept !== undefined && /(^|,)\s*text\/csv\b/i.test(accept) && !/application\/json/i.test(accept);

/** The ministry's compliance report (issue 13, point 6), as JSON or CSV. */
@ApiTags('compliance')
@ApiBearerAuth(API_KEY_SCHEME)
@Roles('supervisor', 'auditor', 'admin')
@ApiAuditPurpose()
@Controller('v1/reports')
export class ComplianceReportController {
  constructor(private readonly reports: ComplianceReports) {}

  @Get('compliance')
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({
    summary:
      'Compliance report per rule, with network-council timeliness (JSON, or CSV with Accept: text/csv)',
    description: `${DESCRIPTION} With \`Accept: text/csv\` the answer is GET /v1/reports/compliance.csv's.`,
  })
  @ApiOkResponse({ type: ComplianceReportDto })
  @ApiProblems(PROBLEMS)
  async json(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ComplianceReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<ComplianceReportDto | string> {
    response.header('Cache-Control', 'no-store');
    const report = await this.reports.report(query, principal);
    return wantsCsv(accept) ? this.asCsv(report, query, response) : report;
  }

  @Get('compliance.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'The compliance report as CSV for Danish spreadsheets',
    description:
      `${DESCRIPTION} CSV: \`;\` between cells, decimal comma, CRLF rows, formula-like text prefixed with an ` +
      'apostrophe; `table=rules` (default) or `table=network-councils`; `bom=true` for a UTF-8 byte-order mark.',
  })
  @ApiOkResponse({
    description: 'text/csv; charset=utf-8',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblems(PROBLEMS)
  async csv(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ComplianceReportQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<string> {
    response.header('Cache-Control', 'no-store');
    return this.asCsv(await this.reports.report(query, principal), query, response);
  }

  private asCsv(
    report: ComplianceReportDto,
    query: ComplianceReportQueryDto,
    response: HttpResponse,
  ): string {
    const table = query.table ?? 'rules';
    response.header('Content-Type', 'text/csv; charset=utf-8');
    response.header(
      'Content-Disposition',
      `attachment; filename="compliance-${report.from}-${report.to}-${table}.csv"`,
    );
    return complianceReportCsv(report, table, query.bom === 'true');
  }
}
