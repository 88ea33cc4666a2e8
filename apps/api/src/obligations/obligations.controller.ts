import { applyDecorators, Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../access/principal';
import type { HttpResponse } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem';
import { ApiProblems, ProblemDto } from '../problems/problem.dto';
import type { ReadModelStatusView } from '../http/read-models';
import { ObligationPage, ObligationSummary } from './dto/obligation.dto';
import { ObligationFiltersDto, ObligationsQueryDto } from './dto/obligations-query.dto';
import { ListObligations, SummarizeObligations } from './obligation-queries';

/** Set on a 200 whose `minPosition` was not reached within `wait`. */
export const READ_MODEL_LAG_HEADER = 'Fristvagt-Read-Model-Lag';

/** The OpenAPI of READ_MODEL_LAG_HEADER, for an answer whose `reached` field (a path in the body) says the same. */
export const lagHeaderDoc = (reached: string) => ({
  [READ_MODEL_LAG_HEADER]: {
    description: `\`behind\` when \`minPosition\` was not reached within \`wait\` (then \`${reached}\` is false).`,
    schema: { type: 'string', enum: ['behind'] },
  },
});

const LAG_HEADER_DOC = lagHeaderDoc('readModel.reached');

const FILTER_REFUSALS = {
  400:
    'invalid-municipality, unknown-rule, invalid-state, invalid-instant, invalid-range, invalid-case-id, ' +
    'invalid-position, invalid-type, out-of-range, too-many-items, unknown-field, validation-failed',
  401: 'unauthenticated, invalid-api-key',
  403: 'municipality-out-of-scope',
};

/** The 503 of a read model not (yet) built by this version: problem details and when to try again. */
export const ApiReadModelNotReady = () =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiResponse({
      status: 503,
      description:
        'Problem details; `code`: read-model-not-ready. The read model is being built or rebuilt by this version of Fristvagt.',
      headers: { 'Retry-After': { description: 'Seconds.', schema: { type: 'integer', example: 5 } } },
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
    }),
  );

/**
 * The deadlines across cases, from the obligations read model: for supervisors' work lists and
 * dashboards. Every role may read, always within its municipalities. Read-your-writes with `minPosition`.
 */
@ApiTags('obligations')
@ApiBearerAuth(API_KEY_SCHEME)
@Controller('v1/obligations')
export class ObligationsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Obligations across cases, soonest due first',
    description:
      "Within the API key's municipalities, by default only the open ones (open, due-soon, breached). Sorted by " +
      'due instant, obligations without a due last; paged with `limit` and the opaque `cursor` (`next` of the ' +
      'previous page). The read model follows the event log asynchronously: pass a command response’s ' +
      '`position` as `minPosition` to wait until the answer reflects that command.',
  })
  @ApiOkResponse({
    type: ObligationPage,
    description:
      'A page of obligations, the cursor of the next, and how far the read model has read the log.',
    headers: LAG_HEADER_DOC,
  })
  @ApiProblems({ ...FILTER_REFUSALS, 400: `${FILTER_REFUSALS[400]}, invalid-cursor` })
  @ApiReadModelNotReady()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ObligationsQueryDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<ObligationPage> {
    const page = await this.queryBus.execute(new ListObligations(query, principal));
    readModelHeaders(response, page.readModel);
    return page;
  }

  @Get('summary')
  @ApiOperation({
    summary: 'Obligation counts by municipality, rule and state',
    description:
      'The same filters as GET /v1/obligations (without paging), counted. By default only the open states. ' +
      '`minPosition` waits for a command as there.',
  })
  @ApiOkResponse({
    type: ObligationSummary,
    description:
      'Counts by municipality, rule and state, totals by state, and how far the read model has read the log.',
    headers: LAG_HEADER_DOC,
  })
  @ApiProblems(FILTER_REFUSALS)
  @ApiReadModelNotReady()
  async summary(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ObligationFiltersDto,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<ObligationSummary> {
    const summary = await this.queryBus.execute(new SummarizeObligations(query, principal));
    readModelHeaders(response, summary.readModel);
    return summary;
  }
}

/** An answer from a read model is not cached, and says when it lags behind the position asked for. */
export function readModelHeaders(response: HttpResponse, readModel: ReadModelStatusView): void {
  response.header('Cache-Control', 'no-store');
  if (readModel.reached === false) response.header(READ_MODEL_LAG_HEADER, 'behind');
}
