import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Injectable,
  Param,
  type PipeTransform,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CLOCK, type Clock } from '@fristvagt/config';
import { DK_YOUTH_PACK, kommunekode, localDateOf, validateMunicipalSettings } from '@fristvagt/domain';
import { inScope, municipalityOutOfScope, Roles } from '../access/principal';
import { ApiIdempotencyKey, REPLAYED_HEADER_DOC } from '../alerts/http';
import { parseIfMatch } from '../cases/command-gateway';
import { type CommandExchange, Exchange } from '../cases/http';
import { requestHash, scopedIdempotencyKey } from '../http/idempotency';
import { correlationId, headerOf } from '../http/request';
import { API_KEY_SCHEME } from '../openapi';
import { CPR_PROTECTOR, type CprProtector } from '../personal-data/cpr-protector';
import { inputProblem } from '../problems/input-validation';
import { ApiProblems } from '../problems/problem.dto';
import { MunicipalSettingsDto, RecordMunicipalSettingsDto } from './dto/municipal-settings.dto';
import { MunicipalSettingsStore, type StoredTimeline } from './municipal-settings-store';

/** `{code}` in the path: a three-digit kommunekode. */
@Injectable()
class KommunekodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const refused = kommunekode(value, 'code');
    if (refused !== undefined) {
      throw inputProblem([{ field: 'code', code: refused.code, detail: refused.message }]);
    }
    return value;
  }
}

const SETTINGS_REFUSALS =
  'required, invalid-date, effective-date-out-of-range, invalid-type, unknown-rule, invalid-non-working-day, ' +
  'out-of-range, not-a-municipal-standard, invalid-warning-lead, unknown-field, invalid-municipality, invalid-if-match, ' +
  'idempotency-key-required, invalid-idempotency-key, malformed-json';

function view(stored: StoredTimeline): MunicipalSettingsDto {
  return {
    municipality: stored.municipality,
    version: stored.version,
    entries: stored.timeline.map((entry) => ({
      effectiveFrom: entry.effectiveFrom,
      settings: entry.settings as MunicipalSettingsDto['entries'][number]['settings'],
      recordedAt: entry.recordedAt,
      by: entry.by,
    })),
  };
}

/**
 * A municipality's settings at run time (docs/api.md, "Municipal settings"): kept as events in its own
 * stream, each entry the whole settings from its effective date. Obligations already opened keep their due.
 */
@ApiTags('municipalities')
@ApiBearerAuth(API_KEY_SCHEME)
@Controller('v1/municipalities/:code/settings')
export class MunicipalSettingsController {
  constructor(
    private readonly settings: MunicipalSettingsStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CPR_PROTECTOR) private readonly protector: CprProtector,
  ) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: "Record a municipality's settings from a date on",
    description:
      'Appends one entry: the whole settings (not a patch) that apply to facts whose Copenhagen local date is on ' +
      'or after `effectiveFrom`. Fields left out take the pack default from then on. Obligations already opened ' +
      'keep their due; `GET /v1/rules?municipality={code}&at={date}` shows the rules as they apply on a date. ' +
      'A refused request stores nothing.\n\nRoles: admin, within its municipalities.',
  })
  @ApiParam({ name: 'code', description: 'Kommunekode, three digits.', example: '461' })
  @ApiIdempotencyKey()
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The `version` (ETag) last read; 412 revision-mismatch when the settings changed since.',
    example: '"1"',
  })
  @ApiBody({
    type: RecordMunicipalSettingsDto,
    examples: {
      rollForward: {
        summary: 'Roll forward the network council dues, with 24 and 31 December off, from 1 January 2027',
        value: {
          effectiveFrom: '2027-01-01',
          rollForward: ['NSR-CONVENE', 'NSR-HOLD'],
          extraNonWorkingDays: ['12-24', '12-31'],
          aftercareProcessingDays: 21,
          municipalStandardRules: ['CP-STATUS'],
          warningLeads: { 'NSR-CONVENE': 'P3D' },
          reoffenceAssessmentDays: 14,
        },
      },
    },
  })
  @ApiCreatedResponse({
    type: MunicipalSettingsDto,
    description: 'Recorded (or replayed): the settings history up to this entry.',
    headers: {
      ETag: { description: 'The new version.', schema: { type: 'string' } },
      ...REPLAYED_HEADER_DOC,
    },
  })
  @ApiProblems({
    400: SETTINGS_REFUSALS,
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role, municipality-out-of-scope',
    409: 'stream-revision-conflict',
    412: 'revision-mismatch',
    422: 'idempotency-key-reused',
  })
  async record(
    @Exchange() { request, response, principal }: CommandExchange,
    @Param('code', KommunekodePipe) code: string,
    @Body() body: RecordMunicipalSettingsDto,
  ): Promise<MunicipalSettingsDto> {
    if (!inScope(principal, code))
      throw municipalityOutOfScope('code', `This API key may not act for municipality ${code}`);
    const idempotency = {
      key: scopedIdempotencyKey(request, principal, this.protector),
      request: requestHash(request),
    };
    const now = this.clock.now().toISOString();
    const valid = validateMunicipalSettings(body, DK_YOUTH_PACK, localDateOf(now));
    if (!valid.ok) {
      const { field = 'body', code: problem, message } = valid.error;
      throw inputProblem([{ field, code: problem, detail: message }]);
    }
    const ifMatch = parseIfMatch(headerOf(request, 'if-match'));
    const result = await this.settings.record({
      municipality: code,
      effectiveFrom: valid.value.effectiveFrom,
      settings: valid.value.settings,
      actor: principal.keyId,
      now,
      correlationId: correlationId(request),
      idempotency,
      ifMatch: ifMatch === null ? null : Number(ifMatch),
    });
    response.status(HttpStatus.CREATED);
    response.header('ETag', `"${result.stored.version}"`);
    if (result.replayed) response.header('Idempotent-Replayed', 'true');
    return view(result.stored);
  }

  @Get()
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary: "A municipality's settings history",
    description:
      'Every entry recorded, with its effective date, who recorded it and when, read from its stream (no lag). ' +
      "Before the first entry the compiled pack's settings apply.\n\nRoles: admin, supervisor, within their municipalities.",
  })
  @ApiParam({ name: 'code', description: 'Kommunekode, three digits.', example: '461' })
  @ApiOkResponse({
    type: MunicipalSettingsDto,
    headers: { ETag: { description: 'The version, for If-Match.', schema: { type: 'string' } } },
  })
  @ApiProblems({
    400: 'invalid-municipality',
    401: 'unauthenticated, invalid-api-key',
    403: 'forbidden-role, municipality-out-of-scope',
  })
  async history(
    @Exchange() { response, principal }: CommandExchange,
    @Param('code', KommunekodePipe) code: string,
  ): Promise<MunicipalSettingsDto> {
    if (!inScope(principal, code))
      throw municipalityOutOfScope('code', `This API key may not act for municipality ${code}`);
    const stored = await this.settings.read(code);
    response.header('ETag', `"${stored.version}"`);
    response.header('Cache-Control', 'no-store');
    return view(stored);
  }
}
