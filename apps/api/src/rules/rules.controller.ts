import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DK_YOUTH_PACK, type DomainError, dueFor, type DueForErrorCode, RULE_IDS } from '@fristvagt/domain';
import { CurrentPrincipal, inScope, type Principal } from '../access/principal';
import { API_KEY_SCHEME } from '../openapi';
import { inputProblem } from '../problems/input-validation';
import { ApiProblems } from '../problems/problem.dto';
import { RuleCatalogueDto } from './dto/rule-catalogue.dto';
import { RuleDueDto, RuleDueQueryDto, RuleDueRequestDto } from './dto/rule-due.dto';
import { ruleCatalogue } from './rule-catalogue';

/**
 * The calculator's refusals by status: a rule that does not exist is a missing resource; a well-formed trigger
 * the pack or the calendar cannot count from (no rule in effect, a due after 9999-12-31) is 422, as it is
 * for a command; the rest is bad input.
 */
const DUE_STATUS: Readonly<Record<DueForErrorCode, HttpStatus>> = {
  'unknown-rule': HttpStatus.NOT_FOUND,
  'invalid-instant': HttpStatus.BAD_REQUEST,
  'invalid-municipality': HttpStatus.BAD_REQUEST,
  'invalid-date': HttpStatus.BAD_REQUEST,
  'birth-date-required': HttpStatus.BAD_REQUEST,
  'rule-not-in-effect': HttpStatus.UNPROCESSABLE_ENTITY,
  'instant-out-of-range': HttpStatus.UNPROCESSABLE_ENTITY,
};

function dueProblem(error: DomainError): HttpException {
  const status = DUE_STATUS[error.code as DueForErrorCode] ?? HttpStatus.UNPROCESSABLE_ENTITY;
  return inputProblem([{ field: error.field ?? 'query', code: error.code, detail: error.message }], status);
}

/** The rule pack as data, and the due calculator the CLI's `due` command runs. Any API key may read them. */
@ApiTags('rules')
@ApiBearerAuth(API_KEY_SCHEME)
@ApiProblems({ 401: 'unauthenticated, invalid-api-key' })
@Controller('v1/rules')
export class RulesController {
  @Get()
  @ApiOperation({
    summary: 'The rule catalogue',
    description:
      'Every variant of every rule in the pack: basis, citation, effective period, due, warning lead, and how ' +
      "the caller's municipalities apply it differently.",
  })
  @ApiOkResponse({ type: RuleCatalogueDto })
  catalogue(@CurrentPrincipal() principal: Principal): RuleCatalogueDto {
    return ruleCatalogue(DK_YOUTH_PACK, principal.municipalities);
  }

  @Get(':ruleId/due')
  @ApiOperation({
    summary: 'When a rule falls due for a trigger (rules without a birth date)',
    description:
      "The due of the variant in effect on the local date of `from`, under the municipality's settings. " +
      'Computes only: nothing is recorded. A birth date is personal data and never goes in a URL: `birthDate` ' +
      'here is refused with 400 `personal-data-in-query`; the rules counted from a birthday (AC-ASSESS, ' +
      'AC-END) take it in the body of `POST /v1/rules/{ruleId}/due`.',
  })
  @ApiParam({ name: 'ruleId', enum: RULE_IDS })
  @ApiOkResponse({ type: RuleDueDto })
  @ApiProblems({
    400: 'invalid-instant, invalid-municipality, birth-date-required, personal-data-in-query, required, unknown-field, validation-failed',
    403: 'municipality-out-of-scope',
    404: 'unknown-rule',
    422: 'rule-not-in-effect, instant-out-of-range',
  })
  dueByQuery(
    @Param('ruleId') ruleId: string,
    @Query() query: RuleDueQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): RuleDueDto {
    return due(ruleId, { from: query.from, municipality: query.municipality }, principal, 'query');
  }

  @Post(':ruleId/due')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'When a rule falls due for a trigger',
    description:
      "The due of the variant in effect on the local date of `from`, under the municipality's settings, with " +
      'the birth date the rules counted from a birthday need. The inputs go in the body so that a birth date ' +
      'never reaches a URL or an access log. Computes only: nothing is recorded, and no Idempotency-Key is needed.',
  })
  @ApiParam({ name: 'ruleId', enum: RULE_IDS })
  @ApiOkResponse({ type: RuleDueDto })
  @ApiProblems({
    400: 'invalid-instant, invalid-date, invalid-municipality, birth-date-required, required, unknown-field, validation-failed, malformed-json',
    403: 'municipality-out-of-scope',
    404: 'unknown-rule',
    422: 'rule-not-in-effect, instant-out-of-range',
  })
  dueByBody(
    @Param('ruleId') ruleId: string,
    @Body() body: RuleDueRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): RuleDueDto {
    return due(ruleId, body, principal, 'body');
  }
}

/** The calculator both routes run; a GET that needs a birth date is told where to send it. */
function due(
  ruleId: string,
  input: { readonly from: string; readonly municipality?: string; readonly birthDate?: string },
  principal: Principal,
  via: 'query' | 'body',
): RuleDueDto {
  const municipality = municipalityFor(principal, input.municipality);
  const result = dueFor(
    { ruleId, from: input.from, municipality, birthDate: input.birthDate },
    DK_YOUTH_PACK,
  );
  if (!result.ok) {
    const error =
      result.error.code === 'birth-date-required' && via === 'query'
        ? {
            ...result.error,
            message: `${result.error.message}; send it in the body of POST /v1/rules/{ruleId}/due`,
          }
        : result.error;
    throw dueProblem(error);
  }
  return { ...result.value, municipality };
}

/** The asked-for municipality if the key may act for it; else the key's only municipality, or none. */
function municipalityFor(principal: Principal, requested: string | undefined): string | null {
  if (requested !== undefined) {
    if (!inScope(principal, requested)) {
      throw new HttpException(
        {
          code: 'municipality-out-of-scope',
          field: 'municipality',
          detail: `This API key may not act for municipality ${requested}.`,
        },
        HttpStatus.FORBIDDEN,
      );
    }
    return requested;
  }
  const scope = principal.municipalities;
  return scope !== '*' && scope.length === 1 ? scope[0] : null;
}
