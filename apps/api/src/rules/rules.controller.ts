import { Controller, Get, HttpException, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DK_YOUTH_PACK, type DomainError, dueFor, type DueForErrorCode, RULE_IDS } from '@fristvagt/domain';
import { CurrentPrincipal, inScope, type Principal } from '../access/principal';
import { API_KEY_SCHEME } from '../openapi';
import { inputProblem } from '../problems/input-validation';
import { ApiProblems } from '../problems/problem.dto';
import { RuleCatalogueDto } from './dto/rule-catalogue.dto';
import { RuleDueDto, RuleDueQueryDto } from './dto/rule-due.dto';
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
    summary: 'When a rule falls due for a trigger',
    description:
      "The due of the variant in effect on the local date of `from`, under the municipality's settings. " +
      'Computes only: nothing is recorded.',
  })
  @ApiParam({ name: 'ruleId', enum: RULE_IDS })
  @ApiOkResponse({ type: RuleDueDto })
  @ApiProblems({
    400: 'invalid-instant, invalid-date, invalid-municipality, birth-date-required, required, unknown-field, validation-failed',
    403: 'municipality-out-of-scope',
    404: 'unknown-rule',
    422: 'rule-not-in-effect, instant-out-of-range',
  })
  due(
    @Param('ruleId') ruleId: string,
    @Query() query: RuleDueQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): RuleDueDto {
    const municipality = municipalityFor(principal, query.municipality);
    const result = dueFor(
      { ruleId, from: query.from, municipality, birthDate: query.birthDate },
      DK_YOUTH_PACK,
    );
    if (!result.ok) throw dueProblem(result.error);
    return { ...result.value, municipality };
  }
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
