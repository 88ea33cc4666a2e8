import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Optional,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  DK_YOUTH_PACK,
  type DomainError,
  dueFor,
  type DueForErrorCode,
  findRulePack,
  isRepresentableInstant,
  localDateOf,
  RULE_IDS,
  type RulePack,
} from '@fristvagt/domain';
import { CurrentPrincipal, inScope, municipalityOutOfScope, type Principal } from '../access/principal';
import { MunicipalRuleCatalogue } from '../municipalities/municipal-rule-catalogue';
import { API_KEY_SCHEME } from '../openapi';
import { inputProblem } from '../problems/input-validation';
import { ApiProblems } from '../problems/problem.dto';
import { RuleCatalogueQueryDto } from './dto/rule-catalogue-query.dto';
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
  /** Municipal settings recorded at run time (municipalities module); absent: the compiled pack's only. */
  constructor(@Optional() private readonly municipalSettings?: MunicipalRuleCatalogue) {}

  @Get()
  @ApiOperation({
    summary: 'The rule catalogue',
    description:
      'Every variant of every rule in the pack: basis, citation, effective period, due, warning lead, and how ' +
      "the caller's municipalities apply it differently. `version` reads an earlier version of the pack. " +
      'The municipal settings are those in effect on `at` (default today), including those recorded through ' +
      '`/v1/municipalities/{code}/settings`; `municipality` narrows them to one municipality.',
  })
  @ApiOkResponse({ type: RuleCatalogueDto })
  @ApiProblems({
    400: 'invalid-value, invalid-municipality, invalid-date, unknown-field, validation-failed',
    403: 'municipality-out-of-scope',
  })
  async catalogue(
    @Query() query: RuleCatalogueQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleCatalogueDto> {
    const pack = packOf(query.version);
    const scope =
      query.municipality === undefined
        ? principal.municipalities
        : [municipalityFor(principal, query.municipality) ?? query.municipality];
    if (this.municipalSettings === undefined) return ruleCatalogue(pack, scope);
    return ruleCatalogue(await this.municipalSettings.packAt(pack, scope, query.at), scope);
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
  async dueByQuery(
    @Param('ruleId') ruleId: string,
    @Query() query: RuleDueQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleDueDto> {
    return this.due(
      ruleId,
      { from: query.from, municipality: query.municipality, version: query.version },
      principal,
      'query',
    );
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
  async dueByBody(
    @Param('ruleId') ruleId: string,
    @Body() body: RuleDueRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RuleDueDto> {
    return this.due(ruleId, body, principal, 'body');
  }

  /** The calculator under the settings in effect on the local date of `from`, run-time ones included. */
  private async due(
    ruleId: string,
    input: Parameters<typeof due>[1],
    principal: Principal,
    via: 'query' | 'body',
  ): Promise<RuleDueDto> {
    const municipality = municipalityFor(principal, input.municipality);
    const pack = packOf(input.version);
    if (
      this.municipalSettings === undefined ||
      municipality === null ||
      !isRepresentableInstant(input.from)
    ) {
      return due(ruleId, input, principal, via);
    }
    const settled = await this.municipalSettings.packAt(pack, [municipality], localDateOf(input.from));
    return due(ruleId, input, principal, via, settled);
  }
}

/** The pack at `version` (validated against RULE_PACKS by the DTO), or the current one. */
function packOf(version: string | undefined): RulePack {
  return findRulePack(version) ?? DK_YOUTH_PACK;
}

/** The calculator both routes run; a GET that needs a birth date is told where to send it. */
function due(
  ruleId: string,
  input: {
    readonly from: string;
    readonly municipality?: string;
    readonly birthDate?: string;
    readonly version?: string;
  },
  principal: Principal,
  via: 'query' | 'body',
  pack: RulePack = packOf(input.version),
): RuleDueDto {
  const municipality = municipalityFor(principal, input.municipality);
  const result = dueFor({ ruleId, from: input.from, municipality, birthDate: input.birthDate }, pack);
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
      throw municipalityOutOfScope('municipality', `This API key may not act for municipality ${requested}.`);
    }
    return requested;
  }
  const scope = principal.municipalities;
  return scope !== '*' && scope.length === 1 ? scope[0] : null;
}
